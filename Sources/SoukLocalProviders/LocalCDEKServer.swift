import AsyncHTTPClient
package import Foundation
import Hummingbird
package import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
package import SoukCouriers
import Synchronization

/// A local CDEK: the subset of CDEK API v2 that ``CDEKClient`` uses, in memory, over HTTP on loopback, for tests
/// and for the sandbox mode with no courier keys (providers.md §4.1).
///
/// It serves `POST /oauth/token` (client credentials; tokens expire after ``Config/tokenLifetimeSeconds`` of
/// ``Config/now``), and with a valid bearer token `POST /calculator/tarifflist`, `POST /calculator/tariff`,
/// `POST /orders`, `GET /orders/{uuid}` and `POST /webhooks`; a wrong secret answers 401 `invalid_client`, a
/// missing or expired token 401 with `errors[]`.
///
/// Prices are deterministic: a base (tripled abroad), plus a price per started kilogram, plus a step per postcode
/// zone (the destination postcode's first digit), in RUB, KZT, USD, EUR or JPY by the request's `currency`; three
/// tariffs (136, 137, 139) with business days. Unknown places (a country it does not serve, a postcode not of the
/// country's format or starting with `000`) answer `v2_to_location_not_recognized` (or `from_`), packages over
/// 30 kg `v2_weight_limit_exceeded`.
///
/// A registered order is `CREATED` and then follows its script (``Config/script``, or ``setScript(_:for:)``),
/// one step per `GET /orders/{uuid}` (with ``Config/advancesOnRead``) or per ``advance(_:)``: a script may repeat a
/// status or go back. Each step is pushed as an `ORDER_STATUS` webhook once `POST /webhooks` subscribed a URL,
/// through ``webhooks`` (a ``LocalWebhookDispatcher``), to that URL or to ``Config/webhookDestination`` when set.
///
/// ```swift
/// try await LocalCDEKServer.withLocalCDEK { server in
///     let cdek = CDEKClient(
///         httpClient: .shared,
///         config: .init(baseURL: server.baseURL, clientID: "local-account", clientSecret: CourierSecret("local-secret"))
///     )
///     let rates = try await cdek.tariffs(from: warehouse, to: buyer, parcels: [parcel])
///     …
///     server.failNext(2, with: .status(500))
/// }
/// ```
package final class LocalCDEKServer: Service, LocalProviderServer, Sendable {
    /// The credentials it accepts, where it listens, its clock, its scripts and where its webhooks go.
    package struct Config: Sendable {
        /// The only account accepted.
        package var clientID: String
        /// The only secure password accepted.
        package var clientSecret: String
        /// The address to bind: loopback by default.
        package var host: String
        /// The port to bind; 0 picks a free one (see ``baseURL``).
        package var port: Int
        /// How long a token lives (`expires_in`).
        package var tokenLifetimeSeconds: Int
        /// The time now, for token expiry and status times: tests pass their own. Read once per request.
        package var now: @Sendable () -> Date
        /// The statuses a new order goes through after `CREATED`.
        package var script: [String]
        /// Whether each `GET /orders/{uuid}` moves the order one step (before answering).
        package var advancesOnRead: Bool
        /// Where webhooks go instead of the subscribed URL (a test's handler); they are sent only once
        /// `POST /webhooks` has subscribed, either way.
        package var webhookDestination: LocalWebhookDispatcher.Destination?
        /// How often and how patiently a webhook is tried again.
        package var webhookRetries: LocalWebhookDispatcher.Retries
        /// Waits between webhook attempts: `Task.sleep` unless a test drives time.
        package var webhookSleep: @Sendable (Duration) async throws -> Void

        /// Loopback on a free port, accepting `clientID` and `clientSecret`, on the wall clock unless `now` says
        /// otherwise, moving orders along the standard script on each read.
        package init(
            clientID: String = "local-account",
            clientSecret: String = "local-secret",
            host: String = "127.0.0.1",
            port: Int = 0,
            tokenLifetimeSeconds: Int = 3600,
            now: @escaping @Sendable () -> Date = { Date() },
            script: [String] = LocalCDEKServer.standardScript,
            advancesOnRead: Bool = true,
            webhookDestination: LocalWebhookDispatcher.Destination? = nil,
            webhookRetries: LocalWebhookDispatcher.Retries = .localWebhooks,
            webhookSleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
        ) {
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.host = host
            self.port = port
            self.tokenLifetimeSeconds = tokenLifetimeSeconds
            self.now = now
            self.script = script
            self.advancesOnRead = advancesOnRead
            self.webhookDestination = webhookDestination
            self.webhookRetries = webhookRetries
            self.webhookSleep = webhookSleep
        }
    }

    /// `RECEIVED_AT_SENDER_WAREHOUSE`, `SENT_TO_RECIPIENT_CITY`, `ACCEPTED_AT_RECIPIENT_CITY_WAREHOUSE`,
    /// `TAKEN_BY_COURIER`, `DELIVERED`.
    package static let standardScript = LocalCDEKLedger.standardScript

    /// A failure to answer with instead of serving a request.
    package enum Fault: Sendable, Hashable {
        /// This HTTP status with CDEK's `errors[]` body; nothing is done.
        case status(Int)
        /// No answer until the server stops: the client's timeout must fire. Nothing is done.
        case hang
    }

    /// A request the server received, in order.
    package struct Seen: Sendable, Hashable {
        /// `GET` or `POST`.
        package var method: String
        /// The path, without the query.
        package var path: String
        /// The status answered (0 while it hangs).
        package var status: Int
    }

    struct State {
        var ledger: LocalCDEKLedger
        var faults: [Fault] = []
        var seen: [Seen] = []
        var hung: [CheckedContinuation<Void, Never>] = []
        /// Path suffixes whose next request is served, then answered only when the server stops.
        var lostAnswers: [String] = []
        var isReleased = false
    }

    let config: Config
    let logger: Logger
    let state: Mutex<State>
    /// Sends the `ORDER_STATUS` webhooks: tests hold, release, duplicate and read deliveries here.
    package let webhooks: LocalWebhookDispatcher
    let listening: AsyncStream<Int>
    private let listeningContinuation: AsyncStream<Int>.Continuation

    /// A server that is not listening yet: run it (it is a `Service`), or use ``withLocalCDEK(config:logger:_:)``.
    package init(config: Config = .init(), logger: Logger = Logger(label: "souk.local-cdek")) {
        self.config = config
        self.logger = logger
        let ledger = LocalCDEKLedger(
            clientID: config.clientID,
            clientSecret: config.clientSecret,
            tokenLifetimeSeconds: config.tokenLifetimeSeconds,
            defaultScript: config.script
        )
        self.state = Mutex(State(ledger: ledger))
        (self.listening, self.listeningContinuation) = AsyncStream.makeStream(of: Int.self)
        let target = SubscribedURL()
        self.subscribed = target
        self.webhooks = LocalWebhookDispatcher(
            destination: config.webhookDestination ?? .handler { try await target.post($0) },
            retries: config.webhookRetries,
            sleep: config.webhookSleep,
            logger: logger
        )
    }

    /// The subscribed URL, read when a webhook is delivered.
    let subscribed: SubscribedURL

    /// Serves, and sends webhooks, until graceful shutdown.
    package func run() async throws {
        let app = Application(
            responder: LocalCDEKResponder(server: self),
            configuration: .init(
                address: .hostname(self.config.host, port: self.config.port),
                serverName: "local-cdek"
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                self.state.withLock { $0.ledger.baseURL = "http://\(self.config.host):\(port)" }
                self.listeningContinuation.yield(port)
                self.listeningContinuation.finish()
            },
            logger: self.logger
        )
        defer { self.listeningContinuation.finish() }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.webhooks.run() }
            try await app.run()
            // The listener stopped: so do the deliveries (a graceful shutdown has already told them).
            group.cancelAll()
        }
    }

    /// `http://127.0.0.1:<port>` once listening (the client's ``CDEKClient/Config/baseURL``); empty before.
    package var baseURL: String { self.state.withLock { $0.ledger.baseURL } }

    /// Answers the next `count` requests (any path, the token's included) with `fault` instead of serving them.
    package func failNext(_ count: Int, with fault: Fault = .status(500)) {
        self.state.withLock { $0.faults.append(contentsOf: repeatElement(fault, count: count)) }
    }

    /// Every request received so far, in order.
    package var requests: [Seen] { self.state.withLock { $0.seen } }

    /// How many tokens were issued.
    package var tokenCount: Int { self.state.withLock { $0.ledger.tokenCount } }

    /// How many orders exist: a call that must not be repeated must not add two.
    package var orderCount: Int { self.state.withLock { $0.ledger.orderCount } }

    /// The uuid of the order registered under Souk's `number`, if any.
    package func uuid(ofNumber number: String) -> String? {
        self.state.withLock { state in state.ledger.orders.values.first { $0.request.number == number }?.uuid }
    }

    /// Serves the next request whose path ends in `pathSuffix` (e.g. `/buy`), then answers it only when the server
    /// stops: the client times out although the work was done, as when an answer is lost on the way.
    package func loseAnswer(toNext pathSuffix: String) {
        self.state.withLock { $0.lostAnswers.append(pathSuffix) }
    }

    /// Makes every token issued so far expire now: the next call with one is answered 401.
    package func expireTokens() { self.state.withLock { $0.ledger.expireTokens() } }

    /// Replaces what is still to come for order `uuid` (after the statuses it has): e.g. `SENT_TO_TRANSIT_CITY`
    /// twice, `TAKEN_BY_COURIER`, `SENT_TO_RECIPIENT_CITY` (going back), `DELIVERED`.
    ///
    /// - Returns: false for an unknown order.
    @discardableResult
    package func setScript(_ codes: [String], for uuid: String) -> Bool {
        self.state.withLock { $0.ledger.setScript(codes, for: uuid) }
    }

    /// Moves order `uuid` one step along its script, pushing the webhook when subscribed.
    ///
    /// - Returns: the new status code, or nil for an unknown order or one at the end of its script.
    @discardableResult
    package func advance(_ uuid: String) -> String? {
        let now = self.config.now()
        return self.state.withLock { state in
            let code = state.ledger.advance(uuid, now: now)
            self.send(state.ledger.takeEvents(), to: state.ledger.subscription?.url)
            return code
        }
    }

    /// The order `uuid`'s status codes so far, oldest first.
    package func statuses(of uuid: String) -> [String] {
        self.state.withLock { $0.ledger.orders[uuid]?.statuses.map(\.code) ?? [] }
    }

    /// The orders registered under Souk's `number`, as sent: a registration that must not be repeated must not
    /// make two.
    package func orders(numbered number: String) -> [CDEKOrderRequest] {
        self.state.withLock { state in state.ledger.orders.values.map(\.request).filter { $0.number == number } }
    }

    /// Lets every hanging request answer (500), and any later hang fault answer at once.
    package func releaseHangingRequests() {
        let hung = self.state.withLock { state in
            state.isReleased = true
            defer { state.hung = [] }
            return state.hung
        }
        for continuation in hung { continuation.resume() }
    }

    /// Runs a server on loopback for the duration of `body`, then stops it (hanging requests released first).
    ///
    /// - Throws: what `body` throws, or the server's error if it could not start.
    package static func withLocalCDEK<Result: Sendable>(
        config: Config = .init(),
        logger: Logger = Logger(label: "souk.local-cdek"),
        _ body: (LocalCDEKServer) async throws -> Result
    ) async throws -> Result {
        try await LocalCDEKServer.running(LocalCDEKServer(config: config, logger: logger), logger: logger, body)
    }
}

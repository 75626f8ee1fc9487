package import Foundation
import Hummingbird
package import Logging
import ServiceLifecycle
package import SoukCouriers
import SoukRetry
import Synchronization

/// A local EasyPost: the subset of EasyPost's API that ``EasyPostClient`` uses, in memory, over HTTP on loopback,
/// for tests and for the sandbox mode with no courier keys (providers.md §4.2).
///
/// It serves `POST /shipments` (rates), `POST /shipments/{id}/buy` (tracking code, label, tracker) and
/// `GET /trackers/{id}`, each with `Authorization: Bearer <apiKey>` (otherwise 401 with EasyPost's error object).
/// Rates are deterministic: per service a base (four times abroad), a price per started pound and a step per zone
/// (the destination postcode's first digit), in USD, with days. Addresses it cannot verify (a postcode not of the
/// country's shape, or starting with `000`) answer 422 `ADDRESS.VERIFY.FAILURE` naming `to_address.zip`;
/// parcels over 70 lb (1120 oz) 422 `PARCEL.WEIGHT.EXCEEDED`.
///
/// A bought label's tracker is `pre_transit` and then follows its script (``Config/script``, or
/// ``setScript(_:for:)``), one step per `GET /trackers/{id}` (with ``Config/advancesOnRead``) or per
/// ``advance(_:)``: a script may repeat a status or go back. With ``Config/webhooks`` set, each step is sent as a
/// `tracker.updated` event signed with ``EasyPostWebhookSignature`` through ``webhooks``.
///
/// ```swift
/// let config = LocalEasyPostServer.Config(webhooks: .init(destination: .url(receiver), secret: "whsec"))
/// try await LocalEasyPostServer.withLocalEasyPost(config: config) { server in
///     let easypost = EasyPostClient(
///         httpClient: .shared,
///         config: .init(baseURL: server.baseURL, apiKey: CourierSecret("EZTK_local"))
///     )
///     …
/// }
/// ```
package final class LocalEasyPostServer: Service, LocalProviderServer, Sendable {
    /// The key it accepts, where it listens, its clock, its scripts and where its webhooks go.
    package struct Config: Sendable {
        /// The only API key accepted.
        package var apiKey: String
        /// The address to bind: loopback by default.
        package var host: String
        /// The port to bind; 0 picks a free one (see ``baseURL``).
        package var port: Int
        /// The time now, for tracking times: tests pass their own. Read once per request.
        package var now: @Sendable () -> Date
        /// The statuses a bought label's tracker goes through after `pre_transit`.
        package var script: [String]
        /// Whether each `GET /trackers/{id}` moves the tracker one step (before answering).
        package var advancesOnRead: Bool
        /// Where events go and the secret that signs them; no events when nil.
        package var webhooks: Webhooks?

        /// Loopback on a free port, accepting `apiKey`, on the wall clock unless `now` says otherwise, moving
        /// trackers along the standard script on each read.
        package init(
            apiKey: String = "EZTK_local",
            host: String = "127.0.0.1",
            port: Int = 0,
            now: @escaping @Sendable () -> Date = { Date() },
            script: [String] = LocalEasyPostServer.standardScript,
            advancesOnRead: Bool = true,
            webhooks: Webhooks? = nil
        ) {
            self.apiKey = apiKey
            self.host = host
            self.port = port
            self.now = now
            self.script = script
            self.advancesOnRead = advancesOnRead
            self.webhooks = webhooks
        }
    }

    /// Where the events go, the secret that signs them, and how patiently they are retried. Its description
    /// never shows the secret.
    package struct Webhooks: Sendable, CustomStringConvertible {
        /// A Swift function in process, or an HTTP URL.
        package var destination: LocalWebhookDispatcher.Destination
        /// The webhook secret of `X-Hmac-Signature`.
        package var secret: CourierSecret
        /// How often and how patiently an event is tried again.
        package var retries: LocalWebhookDispatcher.Retries
        /// Waits between attempts.
        let sleep: @Sendable (Duration) async throws -> Void

        /// Events to `destination` signed with `secret`, waiting between attempts on `clock`.
        package init<C: Clock>(
            destination: LocalWebhookDispatcher.Destination,
            secret: CourierSecret,
            retries: LocalWebhookDispatcher.Retries = .localWebhooks,
            clock: C = ContinuousClock()
        ) where C.Duration == Duration {
            self.destination = destination
            self.secret = secret
            self.retries = retries
            self.sleep = { try await clock.sleep(for: $0) }
        }

        package var description: String { "Webhooks((redacted), \(self.retries.maxAttempts) attempts)" }
    }

    /// `in_transit`, `out_for_delivery`, `delivered`.
    package static let standardScript = LocalEasyPostLedger.standardScript

    /// A failure to answer with instead of serving a request.
    package enum Fault: Sendable, Hashable {
        /// This HTTP status with EasyPost's error object; nothing is done.
        case status(Int)
        /// No answer until the server stops: the client's timeout must fire. Nothing is done.
        case hang
    }

    /// A request the server received, in order.
    package struct Seen: Sendable, Hashable {
        /// `GET` or `POST`.
        package var method: String
        /// The path.
        package var path: String
        /// The status answered (0 while it hangs).
        package var status: Int
    }

    struct State {
        var ledger: LocalEasyPostLedger
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
    /// Sends the events, when ``Config/webhooks`` is set: tests hold, release, duplicate and read deliveries here.
    package let webhooks: LocalWebhookDispatcher?
    let signature: EasyPostWebhookSignature?
    let listening: AsyncStream<Int>
    private let listeningContinuation: AsyncStream<Int>.Continuation

    /// A server that is not listening yet: run it (it is a `Service`), or use
    /// ``withLocalEasyPost(config:logger:_:)``.
    package init(config: Config = .init(), logger: Logger = Logger(label: "souk.local-easypost")) {
        self.config = config
        self.logger = logger
        self.state = Mutex(State(ledger: LocalEasyPostLedger(defaultScript: config.script)))
        (self.listening, self.listeningContinuation) = AsyncStream.makeStream(of: Int.self)
        self.webhooks = config.webhooks.map { webhooks in
            LocalWebhookDispatcher(
                destination: webhooks.destination,
                retries: webhooks.retries,
                sleep: webhooks.sleep,
                logger: logger
            )
        }
        self.signature = config.webhooks.map { EasyPostWebhookSignature(secret: $0.secret) }
    }

    /// Serves, and sends webhooks, until graceful shutdown.
    package func run() async throws {
        let app = Application(
            responder: LocalEasyPostResponder(server: self),
            configuration: .init(
                address: .hostname(self.config.host, port: self.config.port),
                serverName: "local-easypost"
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
            if let webhooks = self.webhooks { group.addTask { try await webhooks.run() } }
            try await app.run()
            // The listener stopped: so do the deliveries (a graceful shutdown has already told them).
            group.cancelAll()
        }
    }

    /// `http://127.0.0.1:<port>` once listening (the client's ``EasyPostClient/Config/baseURL``); empty before.
    package var baseURL: String { self.state.withLock { $0.ledger.baseURL } }

    /// Answers the next `count` requests (any path) with `fault` instead of serving them.
    package func failNext(_ count: Int, with fault: Fault = .status(500)) {
        self.state.withLock { $0.faults.append(contentsOf: repeatElement(fault, count: count)) }
    }

    /// Serves the next request whose path ends in `pathSuffix` (e.g. `/buy`), then answers it only when the server
    /// stops: the client times out although the work was done, as when an answer is lost on the way.
    package func loseAnswer(toNext pathSuffix: String) {
        self.state.withLock { $0.lostAnswers.append(pathSuffix) }
    }

    /// Every request received so far, in order.
    package var requests: [Seen] { self.state.withLock { $0.seen } }

    /// How many shipments exist.
    package var shipmentCount: Int { self.state.withLock { $0.ledger.shipmentCount } }

    /// How many labels were bought: a purchase that must not be repeated must not add two.
    package var purchaseCount: Int { self.state.withLock { $0.ledger.purchaseCount } }

    /// The refund status of the label with `trackingCode` (`submitted`), nil while none was asked for.
    package func refundStatus(ofLabel trackingCode: String) -> String? {
        self.state.withLock { state in
            state.ledger.shipments.values.first { $0.shipment.trackingCode == trackingCode }?.shipment.refundStatus
        }
    }

    /// The addresses of the shipment whose label has `trackingCode`: what the label was printed with.
    package func addresses(ofLabel trackingCode: String) -> (from: EasyPostAddress, to: EasyPostAddress)? {
        self.state.withLock { state in
            let shipments = state.ledger.shipments.values
            guard let held = shipments.first(where: { $0.shipment.trackingCode == trackingCode }) else {
                return nil
            }
            return (held.request.fromAddress, held.request.toAddress)
        }
    }

    /// Replaces what is still to come for tracker `id` (after the statuses it has): e.g. `in_transit` twice,
    /// `out_for_delivery`, `in_transit` (going back), `delivered`.
    ///
    /// - Returns: false for an unknown tracker.
    @discardableResult
    package func setScript(_ statuses: [String], for id: String) -> Bool {
        self.state.withLock { $0.ledger.setScript(statuses, for: id) }
    }

    /// Moves tracker `id` one step along its script, sending the event when webhooks are set.
    ///
    /// - Returns: the new status, or nil for an unknown tracker or one at the end of its script.
    @discardableResult
    package func advance(_ id: String) -> String? {
        let now = self.config.now()
        return self.state.withLock { state in
            let status = state.ledger.advance(id, now: now)
            self.send(state.ledger.takeEvents())
            return status
        }
    }

    /// Tracker `id`'s statuses so far, oldest first.
    package func statuses(of id: String) -> [String] {
        self.state.withLock { $0.ledger.trackers[id]?.tracker.trackingDetails?.map(\.status) ?? [] }
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

    /// Signs and queues `events`; nothing without webhooks. Called under the state lock, so events leave in the
    /// order the ledger made them.
    func send(_ events: [EasyPostEventBody]) {
        guard let webhooks = self.webhooks, let signature = self.signature else { return }
        for event in events {
            let body = LocalEasyPostLedger.json(200, event).body
            webhooks.enqueue(
                LocalWebhook(
                    eventID: event.id ?? "",
                    body: body,
                    headers: [
                        "Content-Type": "application/json",
                        EasyPostWebhookSignature.headerName: signature.header(body: body),
                    ]
                )
            )
        }
    }

    /// Runs a server on loopback for the duration of `body`, then stops it (hanging requests released first).
    ///
    /// - Throws: what `body` throws, or the server's error if it could not start.
    package static func withLocalEasyPost<Result: Sendable>(
        config: Config = .init(),
        logger: Logger = Logger(label: "souk.local-easypost"),
        _ body: (LocalEasyPostServer) async throws -> Result
    ) async throws -> Result {
        try await LocalEasyPostServer.running(LocalEasyPostServer(config: config, logger: logger), logger: logger, body)
    }
}

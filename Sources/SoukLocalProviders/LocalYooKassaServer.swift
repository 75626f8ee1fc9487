package import Foundation
import Hummingbird
package import Logging
import ServiceLifecycle
package import SoukPaymentProviders
import Synchronization

/// A local YooKassa: the subset of YooKassa's API v3 that ``YooKassaClient`` uses, in memory, over HTTP on
/// loopback, for tests and for the sandbox mode with no provider keys (providers.md §2).
///
/// It serves `POST/GET /v3/payments`, `GET /v3/payments/{id}`, `POST …/{id}/capture`, `POST …/{id}/cancel`,
/// `POST /v3/refunds` and `GET /v3/refunds/{id}`, with YooKassa's error bodies and idempotence
/// (``LocalYooKassaLedger``), RUB only. Every `/v3` call needs HTTP Basic auth with the configured shop id and
/// secret key. A created payment is `pending` with a `confirmation_url` of `<baseURL>/confirm/<id>`: that page
/// (`GET`, no auth) pays it and redirects (303) to the `return_url`; `?decline=<reason>` declines it instead.
/// ``confirm(_:decline:)`` does the same without HTTP. Tests inject faults with ``failNext(_:with:)`` and read what
/// the server saw in ``requests``.
///
/// With ``Config/notifications`` set, it posts YooKassa's notifications (`payment.waiting_for_capture`,
/// `payment.succeeded`, `payment.canceled`, `refund.succeeded`, each with the whole object, unsigned as YooKassa's
/// are) for what its API calls and the confirmation page change, through ``notifications`` (a
/// ``LocalWebhookDispatcher``): after the request, retried, and as late, twice or out of order as a test asks. A
/// refused or replayed request notifies nothing.
///
/// ```swift
/// let config = LocalYooKassaServer.Config(notifications: .init(destination: .url("http://127.0.0.1:8080/yookassa")))
/// try await LocalYooKassaServer.withLocalYooKassa(config: config) { server in
///     let yookassa = YooKassaClient(
///         httpClient: .shared,
///         config: .init(baseURL: server.baseURL, shopID: "local-shop", secretKey: YooKassaSecretKey("test_local"))
///     )
///     …
///     await server.notifications?.settle()
/// }
/// ```
package final class LocalYooKassaServer: Service, LocalProviderServer, Sendable {
    /// The credentials it accepts, where it listens, and its clock.
    package struct Config: Sendable {
        /// The only shop id accepted (the Basic auth user name).
        package var shopID: String
        /// The only secret key accepted (the Basic auth password).
        package var secretKey: String
        /// The address to bind: loopback by default.
        package var host: String
        /// The port to bind; 0 picks a free one (see ``baseURL``).
        package var port: Int
        /// The time now, for `created_at` and `captured_at`: tests pass a counter to make times distinct and known.
        /// Read once per request.
        package var now: @Sendable () -> Date
        /// Where notifications go; none when nil.
        package var notifications: Notifications?

        /// Loopback on a free port, accepting `shopID` and `secretKey`, on the wall clock unless `now` says
        /// otherwise, sending no notifications unless `notifications` says where.
        package init(
            shopID: String = "local-shop",
            secretKey: String = "test_local",
            host: String = "127.0.0.1",
            port: Int = 0,
            now: @escaping @Sendable () -> Date = { Date() },
            notifications: Notifications? = nil
        ) {
            self.shopID = shopID
            self.secretKey = secretKey
            self.host = host
            self.port = port
            self.now = now
            self.notifications = notifications
        }
    }

    /// A failure to answer with instead of serving a request.
    package enum Fault: Sendable, Hashable {
        /// This HTTP status with a YooKassa error body (`internal_server_error`, `too_many_requests`, …).
        case status(Int)
        /// HTTP 202 "still processing", asking the client to repeat the request after `retryAfterMs`
        /// milliseconds.
        case processing(retryAfterMs: Int)
        /// No answer until the server stops: the client's timeout must fire.
        case hang
    }

    /// A request the server received, in order.
    package struct Seen: Sendable, Hashable {
        /// `GET` or `POST`.
        package var method: String
        /// The path, without the query.
        package var path: String
        /// The query, undecoded, if there was one.
        package var query: String?
        /// The `Idempotence-Key` header, if sent.
        package var idempotenceKey: String?
        /// The body as sent.
        package var body: [UInt8]
        /// The status answered (a hanging request is recorded once released, with its 500).
        package var status: Int
    }

    struct State {
        var ledger = LocalYooKassaLedger()
        var faults: [Fault] = []
        var seen: [Seen] = []
        var hung: [CheckedContinuation<Void, Never>] = []
        var isReleased = false
    }

    let config: Config
    let logger: Logger
    let state = Mutex(State())
    /// Sends the notifications, when ``Config/notifications`` is set: tests hold, release, duplicate and read
    /// deliveries here.
    package let notifications: LocalWebhookDispatcher?
    let listening: AsyncStream<Int>
    private let listeningContinuation: AsyncStream<Int>.Continuation

    /// A server that is not listening yet: run it (it is a `Service`), or use
    /// ``withLocalYooKassa(config:logger:_:)``.
    package init(config: Config = .init(), logger: Logger = Logger(label: "souk.local-yookassa")) {
        self.config = config
        self.logger = logger
        (self.listening, self.listeningContinuation) = AsyncStream.makeStream(of: Int.self)
        self.notifications = config.notifications.map { notifications in
            LocalWebhookDispatcher(
                destination: notifications.destination,
                retries: notifications.retries,
                sleep: notifications.sleep,
                logger: logger
            )
        }
    }

    /// Serves, and sends notifications, until graceful shutdown.
    package func run() async throws {
        let app = Application(
            responder: LocalYooKassaResponder(server: self),
            configuration: .init(
                address: .hostname(self.config.host, port: self.config.port),
                serverName: "local-yookassa"
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
            if let notifications = self.notifications { group.addTask { try await notifications.run() } }
            try await app.run()
            // The listener stopped: so do the deliveries (a graceful shutdown has already told them).
            group.cancelAll()
        }
    }

    /// `http://127.0.0.1:<port>` once listening (the client's ``YooKassaClient/Config/baseURL``); empty before.
    package var baseURL: String { self.state.withLock { $0.ledger.baseURL } }

    /// Answers the next `count` requests (any path) with `fault` instead of serving them; nothing is recorded
    /// under their idempotence keys, as when a request fails before reaching YooKassa's ledger.
    package func failNext(_ count: Int, with fault: Fault = .status(500)) {
        self.state.withLock { $0.faults.append(contentsOf: repeatElement(fault, count: count)) }
    }

    /// Every request received so far, in order.
    package var requests: [Seen] { self.state.withLock { $0.seen } }

    /// How many payments exist: a repeated create must not add one.
    package var paymentCount: Int { self.state.withLock { $0.ledger.payments.count } }

    /// How many refunds exist.
    package var refundCount: Int { self.state.withLock { $0.ledger.refunds.count } }

    /// The payment `id` as the server holds it.
    package func payment(_ id: String) -> YooKassaPayment? {
        self.state.withLock { state in state.ledger.payments[id].map { state.ledger.payment($0) } }
    }

    /// What `GET /confirm/{id}` does, without HTTP: the buyer pays the `pending` payment `id` (→ `succeeded`, or
    /// `waiting_for_capture` when it was created with `capture: false`), or, with `decline`, the payment network
    /// declines it (→ `canceled` with `cancellation_details {party: payment_network, reason: decline}`).
    ///
    /// - Parameter decline: a reason of providers.md §2.4 (`insufficient_funds`, `3d_secure_failed`, …).
    /// - Returns: the payment after the change.
    /// - Throws: ``ProviderError``: ``ProviderError/Code/notFound`` for an unknown id,
    ///   ``ProviderError/Code/conflict`` for a payment not `pending`, ``ProviderError/Code/invalid`` for an unknown
    ///   reason.
    @discardableResult
    package func confirm(_ id: String, decline: String? = nil) throws(ProviderError) -> YooKassaPayment {
        let now = self.config.now()
        return try self.state.withLock { (state) throws(ProviderError) in
            let payment = try state.ledger.confirm(id, decline: decline, now: now)
            self.send(state.ledger.takeNotifications())
            return payment
        }
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
    package static func withLocalYooKassa<Result: Sendable>(
        config: Config = .init(),
        logger: Logger = Logger(label: "souk.local-yookassa"),
        _ body: (LocalYooKassaServer) async throws -> Result
    ) async throws -> Result {
        try await LocalYooKassaServer.running(
            LocalYooKassaServer(config: config, logger: logger),
            logger: logger,
            body
        )
    }
}

import Foundation
import Hummingbird
package import Logging
import ServiceLifecycle
package import SoukPaymentProviders
import Synchronization

/// A local Stripe: the subset of Stripe's API that ``StripeClient`` uses, in memory, over HTTP on loopback, for
/// tests and for the sandbox mode with no provider keys (providers.md §1).
///
/// It serves `POST/GET /v1/payment_intents`, `GET /v1/payment_intents/{id}`, `POST …/{id}/confirm`,
/// `POST …/{id}/capture`, `POST …/{id}/cancel`, `POST/GET /v1/refunds` and `GET /v1/refunds/{id}`, with Stripe's
/// error objects, idempotency and test cards (``LocalStripeLedger/TestCard``); `GET /confirm/{id}` is the 3-D
/// Secure page a `requires_action` intent redirects to. Every `/v1` call needs `Authorization: Bearer <secretKey>`.
/// Tests inject faults with ``failNext(_:with:)`` and read what the server saw in ``requests``.
///
/// With ``Config/webhooks`` set, it sends Stripe's events for what its API calls and the 3-D Secure page change
/// (`payment_intent.requires_action`, `.amount_capturable_updated`, `.succeeded`, `.payment_failed`, `.canceled`;
/// `refund.created`, `refund.updated`, `refund.failed`), signed with ``StripeWebhookSignature`` at the ``Config/now``
/// of the request, through ``webhooks`` (a ``LocalWebhookDispatcher``): after the request, retried, and as late,
/// twice or out of order as a test asks.
///
/// ```swift
/// let received = Received() // a test's own collector
/// let config = LocalStripeServer.Config(
///     webhooks: .init(destination: .handler { received.add($0); return 200 }, secret: "whsec_local")
/// )
/// try await LocalStripeServer.withLocalStripe(config: config) { server in
///     let stripe = StripeClient(httpClient: .shared, config: .init(baseURL: server.baseURL, secretKey: key))
///     …
///     await server.webhooks?.settle()
/// }
/// ```
package final class LocalStripeServer: Service, LocalProviderServer, Sendable {
    /// The key it accepts, where it listens, its clock, and where its webhooks go.
    package struct Config: Sendable {
        /// The only secret key accepted.
        package var secretKey: String
        /// The address to bind: loopback by default.
        package var host: String
        /// The port to bind; 0 picks a free one (see ``baseURL``).
        package var port: Int
        /// Unix seconds now, for `created` and webhook signatures: tests pass a counter to make creation times
        /// distinct and known. Read once per request.
        package var now: @Sendable () -> Int64
        /// Where Stripe's events go, and the endpoint secret that signs them; no events when nil.
        package var webhooks: Webhooks?

        /// Loopback on a free port, accepting `secretKey`, on the wall clock unless `now` says otherwise, sending
        /// no webhooks unless `webhooks` says where.
        package init(
            secretKey: String = "sk_test_local",
            host: String = "127.0.0.1",
            port: Int = 0,
            now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
            webhooks: Webhooks? = nil
        ) {
            self.secretKey = secretKey
            self.host = host
            self.port = port
            self.now = now
            self.webhooks = webhooks
        }
    }

    /// A failure to answer with instead of serving a request.
    package enum Fault: Sendable, Hashable {
        /// This HTTP status with an `api_error` body, and `Stripe-Should-Retry` when not nil.
        case status(Int, shouldRetry: Bool?)
        /// No answer until the server stops: the client's timeout must fire.
        case hang

        /// A 500 without `Stripe-Should-Retry`.
        package static let internalError = Self.status(500, shouldRetry: nil)
    }

    /// A request the server received, in order.
    package struct Seen: Sendable, Hashable {
        /// `GET` or `POST`.
        package var method: String
        /// The path, without the query.
        package var path: String
        /// The `Idempotency-Key` header, if sent.
        package var idempotencyKey: String?
        /// The status answered (0 for a request left hanging).
        package var status: Int
    }

    struct State {
        var ledger = LocalStripeLedger()
        var faults: [Fault] = []
        var seen: [Seen] = []
        var hung: [CheckedContinuation<Void, Never>] = []
        var isReleased = false
    }

    let config: Config
    let logger: Logger
    let state = Mutex(State())
    /// Sends the events, when ``Config/webhooks`` is set: tests hold, release, duplicate and read deliveries here.
    package let webhooks: LocalWebhookDispatcher?
    /// Signs the events with the endpoint secret.
    let signature: StripeWebhookSignature?
    let listening: AsyncStream<Int>
    private let listeningContinuation: AsyncStream<Int>.Continuation

    /// A server that is not listening yet: run it (it is a `Service`), or use ``withLocalStripe(config:logger:_:)``.
    package init(config: Config = .init(), logger: Logger = Logger(label: "souk.local-stripe")) {
        self.config = config
        self.logger = logger
        (self.listening, self.listeningContinuation) = AsyncStream.makeStream(of: Int.self)
        self.webhooks = config.webhooks.map { webhooks in
            LocalWebhookDispatcher(
                destination: webhooks.destination,
                retries: webhooks.retries,
                sleep: webhooks.sleep,
                logger: logger
            )
        }
        self.signature = config.webhooks.map { StripeWebhookSignature(secret: $0.secret) }
    }

    /// Serves, and sends webhooks, until graceful shutdown.
    package func run() async throws {
        let app = Application(
            responder: LocalStripeResponder(server: self),
            configuration: .init(
                address: .hostname(self.config.host, port: self.config.port),
                serverName: "local-stripe"
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

    /// `http://127.0.0.1:<port>` once listening; empty before.
    package var baseURL: String { self.state.withLock { $0.ledger.baseURL } }

    /// Answers the next `count` requests (any path) with `fault` instead of serving them; nothing is recorded
    /// under their idempotency keys, as when a request fails before reaching Stripe's API.
    package func failNext(_ count: Int, with fault: Fault = .internalError) {
        self.state.withLock { $0.faults.append(contentsOf: repeatElement(fault, count: count)) }
    }

    /// Every request received so far, in order.
    package var requests: [Seen] { self.state.withLock { $0.seen } }

    /// How many PaymentIntents exist: a retried create must not add one.
    package var intentCount: Int { self.state.withLock { $0.ledger.intents.count } }

    /// The PaymentIntent `id` as the server holds it.
    package func paymentIntent(_ id: String) -> StripePaymentIntent? {
        self.state.withLock { $0.ledger.intents[id] }
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
    package static func withLocalStripe<Result: Sendable>(
        config: Config = .init(),
        logger: Logger = Logger(label: "souk.local-stripe"),
        _ body: (LocalStripeServer) async throws -> Result
    ) async throws -> Result {
        try await LocalStripeServer.running(LocalStripeServer(config: config, logger: logger), logger: logger, body)
    }
}

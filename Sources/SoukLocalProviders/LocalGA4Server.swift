package import Foundation
import Hummingbird
package import Logging
import ServiceLifecycle
import Synchronization

/// A local Google Analytics 4 Measurement Protocol endpoint, in memory, over HTTP on loopback, for tests and the
/// worker's `--sandbox` (`providers.md` §3).
///
/// It serves `POST /mp/collect` and `POST /debug/mp/collect`, each with `measurement_id` and `api_secret` in the
/// query. The debug path answers `{"validationMessages": […]}` (empty for a valid body; see
/// ``LocalGA4Validator`` for what is checked) and records nothing. The collect path answers 204 with no body
/// whatever it gets, as Google does; it records the events of a valid body sent with the configured api secret and
/// silently drops anything else (counted in ``droppedRequests``). ``failNext(_:status:)`` answers the next requests
/// with an error status instead (a retry test's 5xx).
///
/// ```swift
/// try await LocalGA4Server.withLocalGA4(config: .init(apiSecret: "local-secret")) { server in
///     let config = GA4Client.Config(endpoint: server.baseURL, measurementID: "G-LOCAL", apiSecret: …)
///     …
///     #expect(server.recorded.map(\.name) == ["purchase"])
/// }
/// ```
package final class LocalGA4Server: Service, LocalProviderServer, Sendable {
    /// The secret it accepts, where it listens, and its clock.
    package struct Config: Sendable {
        /// The only api secret whose events are recorded.
        package var apiSecret: String
        /// The address to bind: loopback by default.
        package var host: String
        /// The port to bind; 0 picks a free one (see ``baseURL``).
        package var port: Int
        /// The time now, for the 72-hour back-dating rule. Read once per request.
        package var now: @Sendable () -> Date

        package init(
            apiSecret: String = "local-ga4-secret",
            host: String = "127.0.0.1",
            port: Int = 0,
            now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.apiSecret = apiSecret
            self.host = host
            self.port = port
            self.now = now
        }
    }

    /// An event the collect endpoint accepted.
    package struct Recorded: Sendable, Hashable {
        package var measurementID: String
        package var clientID: String
        package var name: String
        package var timestampMicros: Int64?
        package var transactionID: String?
        package var currency: String?
        /// `value` as parsed (a binary double: the exact text is in ``LocalGA4Server/collectBodies``).
        package var value: Double?
        /// Each item's `item_id` and `quantity`.
        package var items: [Item]

        /// One item of an event.
        package struct Item: Sendable, Hashable {
            package var itemID: String
            package var quantity: Int
            package var price: Double?

            package init(itemID: String, quantity: Int, price: Double?) {
                self.itemID = itemID
                self.quantity = quantity
                self.price = price
            }
        }
    }

    /// A request received, in order.
    package struct Seen: Sendable, Hashable {
        /// `/mp/collect` or `/debug/mp/collect` (or another path, answered 404).
        package var path: String
        /// The status answered.
        package var status: Int
    }

    struct State {
        var recorded: [Recorded] = []
        var collectBodies: [String] = []
        var seen: [Seen] = []
        var failures: [Int] = []
        var dropped = 0
        var baseURL = ""
    }

    let config: Config
    let logger: Logger
    let state = Mutex(State())
    let listening: AsyncStream<Int>
    private let listeningContinuation: AsyncStream<Int>.Continuation

    /// A server that is not listening yet: run it (it is a `Service`), or use ``withLocalGA4(config:logger:_:)``.
    package init(config: Config = .init(), logger: Logger = Logger(label: "souk.local-ga4")) {
        self.config = config
        self.logger = logger
        (self.listening, self.listeningContinuation) = AsyncStream.makeStream(of: Int.self)
    }

    /// Serves until graceful shutdown.
    package func run() async throws {
        let app = Application(
            responder: LocalGA4Responder(server: self),
            configuration: .init(address: .hostname(self.config.host, port: self.config.port), serverName: "local-ga4"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                self.state.withLock { $0.baseURL = "http://\(self.config.host):\(port)" }
                self.listeningContinuation.yield(port)
                self.listeningContinuation.finish()
            },
            logger: self.logger
        )
        defer { self.listeningContinuation.finish() }
        try await app.run()
    }

    /// `http://127.0.0.1:<port>` once listening (the exporter's endpoint); empty before.
    package var baseURL: String { self.state.withLock { $0.baseURL } }

    /// Every event the collect endpoint accepted, in order.
    package var recorded: [Recorded] { self.state.withLock { $0.recorded } }

    /// The bodies of the collect requests whose events were recorded, as received.
    package var collectBodies: [String] { self.state.withLock { $0.collectBodies } }

    /// Every request received so far, in order.
    package var requests: [Seen] { self.state.withLock { $0.seen } }

    /// Collect requests answered 2xx but dropped (invalid, or a wrong api secret), as Google drops them.
    package var droppedRequests: Int { self.state.withLock { $0.dropped } }

    /// Answers the next `count` requests (either path) with `status` instead of serving them.
    package func failNext(_ count: Int, status: Int = 503) {
        self.state.withLock { $0.failures.append(contentsOf: repeatElement(status, count: count)) }
    }

    /// Nothing hangs here; present for ``LocalProviderServer``.
    package func releaseHangingRequests() {}

    /// Runs a server on loopback for the duration of `body`, then stops it.
    ///
    /// - Throws: what `body` throws, or the server's error if it could not start.
    package static func withLocalGA4<Result: Sendable>(
        config: Config = .init(),
        logger: Logger = Logger(label: "souk.local-ga4"),
        _ body: (LocalGA4Server) async throws -> Result
    ) async throws -> Result {
        try await LocalGA4Server.running(LocalGA4Server(config: config, logger: logger), logger: logger, body)
    }
}

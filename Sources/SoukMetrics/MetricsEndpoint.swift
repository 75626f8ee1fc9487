package import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
package import Prometheus
import ServiceLifecycle

/// `GET /metrics` over plain HTTP/1.1: a registry in the Prometheus text format (version 0.0.4).
///
/// Anything else gets 404 (another path) or 405 (another method on `/metrics`). Each connection answers one request
/// and closes, as a scrape needs no more. The listener is bound by ``bind(host:port:registry:beforeScrape:logger:)``,
/// before the service runs, so the port is known (and a taken one fails) at start-up.
///
/// ```swift
/// let endpoint = try await MetricsEndpoint.bind(host: "127.0.0.1", port: 0, registry: registry, logger: logger)
/// print(endpoint.port)
/// try await endpoint.run()  // until graceful shutdown
/// ```
package final class MetricsEndpoint: Service, Sendable {
    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// The bound port (the one chosen when 0 was asked for).
    package let port: Int
    private let listener: NIOAsyncChannel<Connection, Never>
    private let registry: PrometheusCollectorRegistry
    private let beforeScrape: @Sendable () -> Void
    private let logger: Logger

    private init(
        port: Int,
        listener: NIOAsyncChannel<Connection, Never>,
        registry: PrometheusCollectorRegistry,
        beforeScrape: @escaping @Sendable () -> Void,
        logger: Logger
    ) {
        self.port = port
        self.listener = listener
        self.registry = registry
        self.beforeScrape = beforeScrape
        self.logger = logger
    }

    /// Binds `host:port` for `registry`; ``run()`` then serves it.
    ///
    /// - Parameters:
    ///   - host: The address to bind.
    ///   - port: The port; 0 picks a free one (see ``port``).
    ///   - registry: What a scrape returns.
    ///   - beforeScrape: Runs before each scrape, to set the gauges read from their owners (open connections).
    ///   - logger: Where a failed connection is logged (at debug).
    /// - Throws: NIO's error when the address cannot be bound.
    package static func bind(
        host: String,
        port: Int,
        registry: PrometheusCollectorRegistry,
        beforeScrape: @escaping @Sendable () -> Void = {},
        logger: Logger
    ) async throws -> MetricsEndpoint {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        return MetricsEndpoint(
            port: listener.channel.localAddress?.port ?? port,
            listener: listener,
            registry: registry,
            beforeScrape: beforeScrape,
            logger: logger
        )
    }

    /// Serves scrapes until graceful shutdown or cancellation, then closes the listener.
    package func run() async throws {
        let listener = self.listener
        do {
            try await cancelWhenGracefulShutdown {
                try await listener.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in connections {
                            group.addTask { await self.serveLogging(connection) }
                        }
                    }
                }
            }
        } catch is CancellationError {
            // How the endpoint stops: a graceful shutdown cancels the accept loop and the scrapes in flight.
        }
    }

    /// Serves `connection`; its failure (a scraper that went away) is only logged.
    private func serveLogging(_ connection: Connection) async {
        do {
            try await self.serve(connection)
        } catch {
            self.logger.debug("metrics: a connection failed", metadata: ["error": "\(error)"])
        }
    }

    /// Answers the connection's first request and closes it.
    private func serve(_ connection: Connection) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let received):
                    head = received
                case .body:
                    continue
                case .end:
                    guard let head else { return }
                    try await self.respond(to: head, on: outbound)
                    return
                }
            }
        }
    }

    /// Writes the whole answer to `head`.
    private func respond(
        to head: HTTPRequestHead,
        on outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        let (status, body) = self.answer(head)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: status == .ok ? Self.contentType : "text/plain")
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Connection", value: "close")
        if status == .methodNotAllowed { headers.add(name: "Allow", value: "GET, HEAD") }
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
        if head.method != .HEAD {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
        }
        try await outbound.write(.end(nil))
    }

    /// The status and body for `head`.
    private func answer(_ head: HTTPRequestHead) -> (HTTPResponseStatus, [UInt8]) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path == "/metrics" else { return (.notFound, Array("not found; metrics are at /metrics\n".utf8)) }
        guard head.method == .GET || head.method == .HEAD else {
            return (.methodNotAllowed, Array("only GET /metrics\n".utf8))
        }
        self.beforeScrape()
        return (.ok, self.registry.emitToBuffer())
    }

    /// The Prometheus text exposition format's content type.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}

import Hummingbird
package import Logging
import NIOCore
import ServiceLifecycle
package import SoukClient

/// The bridge as a service: one SWP connection to the services and one HTTP listener, until graceful shutdown.
///
/// souk-bridge runs it alone; soukd runs it beside the services it hosts, once their SWP port is known.
package struct BridgeService: Service {
    /// Where the bridge listens.
    package var host: String
    /// The port to bind; 0 picks a free one (reported to ``onListening``).
    package var port: Int
    /// The services' SWP endpoint and how to trust it.
    package var upstream: ClientConfig
    package var config: BridgeConfig
    /// The admin page, or nil to serve Connect calls only.
    package var assets: WebAssets?
    package var logger: Logger
    /// Where requests and sessions are counted; nil measures nothing.
    package var metrics: BridgeMetrics?
    /// Called once the listener is bound, with the port bound.
    package var onListening: @Sendable (Int) async -> Void

    package init(
        host: String,
        port: Int,
        upstream: ClientConfig,
        config: BridgeConfig,
        assets: WebAssets?,
        metrics: BridgeMetrics? = nil,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.metrics = metrics
        self.host = host
        self.port = port
        self.upstream = upstream
        self.config = config
        self.assets = assets
        self.logger = logger
        self.onListening = onListening
    }

    package func run() async throws {
        let onListening = self.onListening
        try await SoukConnection.withConnection(to: self.upstream) { client in
            let app = Application(
                responder: BridgeResponder(
                    client: client,
                    config: self.config,
                    assets: self.assets,
                    metrics: self.metrics,
                    logger: self.logger
                ),
                server: .http1(configuration: .init(idleTimeout: TimeAmount(self.config.idleTimeout))),
                configuration: .init(address: .hostname(self.host, port: self.port), serverName: "souk-bridge"),
                onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
                logger: self.logger
            )
            try await app.run()
        }
    }
}

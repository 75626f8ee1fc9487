import ArgumentParser
import Logging
import Prometheus
import ServiceLifecycle
import SoukAllocator
import SoukBridge
import SoukClient
import SoukMetrics
import UnixSignals

/// souk-bridge: serves Connect calls and the admin page on `--listen` and forwards the calls to soukd's SWP port.
@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "souk-bridge",
        abstract: "The browser bridge: the admin page, and Connect calls (JSON and binary) to Souk's services over SWP."
    )

    @Option(help: "The HTTP address to listen on, HOST:PORT.")
    var listen = "127.0.0.1:7780"

    @Option(help: "soukd's SWP endpoint, HOST:PORT.")
    var endpoint = "127.0.0.1:7700"

    @Option(help: "The CA certificate (PEM) soukd's TLS certificate is checked against.")
    var ca = ".souk/tls/ca.pem"

    @Option(help: "The largest request body accepted, in bytes.")
    var maxBodyBytes = 1 << 20

    @Option(help: "An origin allowed to call from a browser (CORS), e.g. https://shop.example; repeatable.")
    var corsOrigin: [String] = []

    @Option(
        help:
            "The admin page's folder, served at /; 'none' serves Connect calls only. (default: clients/web of the working folder or of the source tree this executable was built in)"
    )
    var webRoot: String?

    @Flag(help: "Leave Secure off the session cookie: plain-http development only.")
    var insecureCookies = false

    @Option(
        help: "Serve Prometheus metrics on this port (GET /metrics, plain HTTP); 0 picks a free port. (default: off)"
    )
    var metricsPort: Int?

    @Option(help: "The address the metrics port binds.")
    var metricsHost = "127.0.0.1"

    func validate() throws {
        if let port = self.metricsPort, !(0...65535).contains(port) {
            throw ValidationError("--metrics-port: \(port) is not a port number (0-65535)")
        }
        _ = try Self.hostAndPort(self.listen, option: "--listen")
        _ = try Self.hostAndPort(self.endpoint, option: "--endpoint")
        guard self.maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes: must be positive") }
    }

    func run() async throws {
        let logger = Logger(label: "souk-bridge")
        let listen = try Self.hostAndPort(self.listen, option: "--listen")
        let endpoint = try Self.hostAndPort(self.endpoint, option: "--endpoint")
        let upstream = ClientConfig(
            host: endpoint.host,
            port: endpoint.port,
            trust: .certificateAuthority(path: self.ca)
        )
        let config = BridgeConfig(
            maxBodyBytes: self.maxBodyBytes,
            secureCookies: !self.insecureCookies,
            corsOrigins: Set(self.corsOrigin)
        )
        let assets: WebAssets?
        do {
            switch self.webRoot {
            case "none": assets = nil
            case let folder?: assets = try WebAssets(folder: folder)
            case nil:
                guard let folder = WebAssets.defaultFolder() else {
                    throw ValidationError(
                        "no admin page found; give --web-root FOLDER, or 'none' for Connect calls only"
                    )
                }
                assets = try WebAssets(folder: folder)
            }
        } catch let error as WebAssetsError {
            throw ValidationError("--web-root: \(error.description); 'none' serves Connect calls only")
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        var metrics: BridgeMetrics?
        if let port = self.metricsPort {
            let registry = PrometheusCollectorRegistry()
            let endpoint: MetricsEndpoint
            do {
                endpoint = try await MetricsEndpoint.bind(
                    host: self.metricsHost,
                    port: port,
                    registry: registry,
                    logger: logger
                )
            } catch {
                throw ValidationError("--metrics-port: cannot listen on \(self.metricsHost):\(port) (\(error))")
            }
            logger.info(
                "souk-bridge metrics",
                metadata: ["address": "http://\(self.metricsHost):\(endpoint.port)/metrics"]
            )
            metrics = BridgeMetrics(registry: registry)
            // First, so it stops last.
            services.append(.init(service: endpoint))
        }
        let bridge = BridgeService(
            host: listen.host,
            port: listen.port,
            upstream: upstream,
            config: config,
            assets: assets,
            metrics: metrics,
            logger: logger,
            onListening: { port in
                logger.info(
                    "souk-bridge listening",
                    metadata: [
                        "address": "http://\(listen.host):\(port)", "web.files": "\(assets?.count ?? 0)",
                        "memory.allocator": "\(MemoryAllocator.summary)",
                    ]
                )
            }
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services + [.init(service: bridge)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger
            )
        )
        try await group.run()
    }

    private static func hostAndPort(_ value: String, option: String) throws -> (host: String, port: Int) {
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]),
            (0...65535).contains(port), colon != value.startIndex
        else {
            throw ValidationError("\(option): expected HOST:PORT, got \(value)")
        }
        return (String(value[..<colon]), port)
    }
}

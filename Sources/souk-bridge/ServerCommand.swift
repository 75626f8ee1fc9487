import ArgumentParser
import Logging
import ServiceLifecycle
import SoukAllocator
import SoukBridge
import SoukClient
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

    func validate() throws {
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
        let bridge = BridgeService(
            host: listen.host,
            port: listen.port,
            upstream: upstream,
            config: config,
            assets: assets,
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
                services: [.init(service: bridge)],
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

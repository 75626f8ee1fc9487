import GRPCCore
import GRPCNIOTransportHTTP2
import SoukAPI
import SoukClient
import SoukConformance
import SoukTLS
import SoukWire
import TestSupport

/// The wires the conformance cases run over, with the same test code.
enum Wire: String, CaseIterable, Sendable {
    case swp
    case http2
}

/// TLS material for one test: a fresh development CA in a temporary folder.
struct TestTLS: Sendable {
    let files: TLSFiles

    static func make(in folder: String) throws -> Self {
        Self(files: try DevelopmentCertificateAuthority(folder: "\(folder)/tls").ensureServerCertificate())
    }

    func clientConfig(port: Int) -> ClientConfig {
        ClientConfig(host: "127.0.0.1", port: port, trust: .certificateAuthority(path: self.files.certificateAuthority))
    }
}

/// Settings both ends of a test connection use.
struct SWPTuning {
    /// Stream window of both ends.
    var initialStreamWindow = Settings().initialStreamWindow
    /// Connection window of both ends.
    var connectionWindow = Settings().connectionWindow
    /// Whether both ends compress messages above the threshold.
    var compressOutgoing = false
    /// The client's MAX_HEADER_SIZE: the largest response head or trailers it accepts.
    var clientMaxHeaderSize = Settings().maxHeaderSize
}

/// Which server answers the SWP calls.
enum SWPServing: String, CaseIterable, Sendable {
    /// ``SWPServer``: the generated methods called directly (what soukd runs).
    case direct
    /// GRPCCore's `GRPCServer` on the same transport.
    case grpcCore
}

/// Runs the TestService over SWP on 127.0.0.1 (free port, TLS) and hands `body` a connected client.
func withSWPClient<Result: Sendable>(
    tuning: SWPTuning = SWPTuning(),
    serving: SWPServing = .direct,
    _ body: (GRPCClient<SWPClientTransport>) async throws -> Result
) async throws -> Result {
    let configureServer = { (config: inout SWPServerTransport.Config) in
        config.settings.initialStreamWindow = tuning.initialStreamWindow
        config.settings.connectionWindow = tuning.connectionWindow
        config.compressOutgoing = tuning.compressOutgoing
    }
    let configureClient = { (config: inout SWPClientTransport.Config) in
        config.settings.initialStreamWindow = tuning.initialStreamWindow
        config.settings.connectionWindow = tuning.connectionWindow
        config.settings.maxHeaderSize = tuning.clientMaxHeaderSize
        config.compressOutgoing = tuning.compressOutgoing
    }
    return try await withTemporaryDirectory { folder in
        let tls = try TestTLS.make(in: folder)
        var serverConfig = SWPServerTransport.Config(
            host: "127.0.0.1",
            port: 0,
            tls: WireTLS.Server(certificateChainPath: tls.files.certificateChain, privateKeyPath: tls.files.privateKey)
        )
        configureServer(&serverConfig)
        let transport = SWPServerTransport(config: serverConfig)
        let direct = SWPServer(transport: transport, services: [TestService()], bindings: SWPServiceBindings.all)
        let core = GRPCServer(transport: transport, services: [TestService()])
        return try await withThrowingTaskGroup(of: Void.self) { group in
            switch serving {
            case .direct: group.addTask { try await direct.serve() }
            case .grpcCore: group.addTask { try await core.serve() }
            }
            defer {
                direct.beginGracefulShutdown()
                core.beginGracefulShutdown()
                group.cancelAll()
            }
            let port = try await transport.listeningPort
            var clientConfig = SoukConnection.wireConfig(for: tls.clientConfig(port: port))
            configureClient(&clientConfig)
            return try await withGRPCClient(transport: SWPClientTransport(config: clientConfig)) { client in
                try await body(client)
            }
        }
    }
}

/// Runs the TestService over gRPC/HTTP2 on 127.0.0.1 (free port, TLS) and hands `body` a connected client.
func withHTTP2Client<Result: Sendable>(
    _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
) async throws -> Result {
    try await withTemporaryDirectory { folder in
        let tls = try TestTLS.make(in: folder)
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: 0),
            transportSecurity: .tls(
                certificateChain: [.file(path: tls.files.certificateChain, format: .pem)],
                privateKey: .file(path: tls.files.privateKey, format: .pem)
            ),
            config: .defaults { $0.compression.enabledAlgorithms = .all }
        )
        let server = GRPCServer(transport: transport, services: [TestService()])
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            defer {
                server.beginGracefulShutdown()
                group.cancelAll()
            }
            let port = try await transport.listeningAddress.ipv4?.port ?? 0
            return try await SoukConnection.withHTTP2Connection(to: tls.clientConfig(port: port)) { client in
                try await body(client)
            }
        }
    }
}

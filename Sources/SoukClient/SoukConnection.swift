package import GRPCCore
package import GRPCNIOTransportHTTP2
package import SoukWire

/// The typed client library every Souk program uses to call a service.
///
/// It owns the connection for the duration of a closure; generated clients are built on the `GRPCClient`
/// it hands out. SWP/1 is the default wire; gRPC over HTTP/2 is there for interop and comparison.
///
/// ```swift
/// try await SoukClient.withConnection(to: .local()) { client in
///     let health = Grpc_Health_V1_Health.Client(wrapping: client)
///     let reply = try await health.check(Grpc_Health_V1_HealthCheckRequest())
/// }
/// ```
package enum SoukClient {
    /// Connects over SWP/1 as `config` says, runs `body`, and closes the connection when `body` returns.
    package static func withConnection<Result: Sendable>(
        to config: ClientConfig,
        interceptors: [any ClientInterceptor] = [],
        isolation: isolated (any Actor)? = #isolation,
        _ body: (GRPCClient<SWPClientTransport>) async throws -> Result
    ) async throws -> Result {
        let transport = SWPClientTransport(config: Self.wireConfig(for: config))
        return try await withGRPCClient(
            transport: transport,
            interceptors: Self.interceptors(config) + interceptors,
            isolation: isolation,
            handleClient: body
        )
    }

    /// Connects over gRPC/HTTP2 as `config` says, runs `body`, and closes the connection when `body` returns.
    package static func withHTTP2Connection<Result: Sendable>(
        to config: ClientConfig,
        interceptors: [any ClientInterceptor] = [],
        isolation: isolated (any Actor)? = #isolation,
        _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
    ) async throws -> Result {
        try await withGRPCClient(
            transport: try Self.http2Transport(for: config),
            interceptors: Self.interceptors(config) + interceptors,
            isolation: isolation,
            handleClient: body
        )
    }

    /// The SWP transport configuration for `config`.
    package static func wireConfig(for config: ClientConfig) -> SWPClientTransport.Config {
        let tls: WireTLS.Client?
        switch config.trust {
        case .plaintext:
            tls = nil
        case .systemRoots, .certificateAuthority:
            var path: String? = nil
            if case .certificateAuthority(let authority) = config.trust { path = authority }
            tls = WireTLS.Client(
                certificateAuthorityPath: path,
                certificateChainPath: config.clientCertificate?.chainPath,
                privateKeyPath: config.clientCertificate?.keyPath,
                serverHostname: config.hostIsAddress ? nil : config.host
            )
        }
        return SWPClientTransport.Config(host: config.host, port: config.port, tls: tls)
    }

    /// A gRPC/HTTP2 transport for `config`, for programs that manage the client's lifetime themselves.
    package static func http2Transport(for config: ClientConfig) throws -> HTTP2ClientTransport.Posix {
        try HTTP2ClientTransport.Posix(
            target: Self.target(for: config),
            transportSecurity: Self.http2Security(for: config),
            // Calls may ask for compression; the default stays off.
            config: .defaults { $0.compression.enabledAlgorithms = .all }
        )
    }

    private static func interceptors(_ config: ClientConfig) -> [any ClientInterceptor] {
        config.bearerToken.map { [BearerTokenInterceptor(token: $0)] } ?? []
    }

    /// IP literals are dialled directly: a name-based target would send the address as TLS SNI, which is invalid.
    private static func target(for config: ClientConfig) -> any ResolvableTarget {
        if config.host.contains(":") {
            return .ipv6(address: config.host, port: config.port)
        }
        if config.hostIsAddress {
            return .ipv4(address: config.host, port: config.port)
        }
        return .dns(host: config.host, port: config.port)
    }

    private static func http2Security(for config: ClientConfig) -> HTTP2ClientTransport.Posix.TransportSecurity {
        switch config.trust {
        case .plaintext:
            return .plaintext
        case .systemRoots:
            return .tls
        case .certificateAuthority(let path):
            return .tls { tls in
                tls.trustRoots = .certificates([.file(path: path, format: .pem)])
                if let certificate = config.clientCertificate {
                    tls.certificateChain = [.file(path: certificate.chainPath, format: .pem)]
                    tls.privateKey = .file(path: certificate.keyPath, format: .pem)
                }
            }
        }
    }
}

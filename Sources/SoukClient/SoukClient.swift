package import GRPCCore
package import GRPCNIOTransportHTTP2

/// The typed client library every Souk program uses to call a service.
///
/// It owns the connection for the duration of a closure; generated clients are built on the `GRPCClient`
/// it hands out. Today it speaks gRPC over HTTP/2; the SWP transport will become the default.
///
/// ```swift
/// try await SoukClient.withConnection(to: .local()) { client in
///     let health = Grpc_Health_V1_Health.Client(wrapping: client)
///     let reply = try await health.check(Grpc_Health_V1_HealthCheckRequest())
/// }
/// ```
package enum SoukClient {
    /// Connects as `config` says, runs `body`, and closes the connection when `body` returns.
    ///
    /// - Throws: what `body` throws, or `RPCError` when the transport cannot be created.
    package static func withConnection<Result: Sendable>(
        to config: ClientConfig,
        interceptors: [any ClientInterceptor] = [],
        isolation: isolated (any Actor)? = #isolation,
        _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
    ) async throws -> Result {
        let transport = try HTTP2ClientTransport.Posix(
            target: Self.target(for: config),
            transportSecurity: Self.security(for: config)
        )
        return try await withGRPCClient(
            transport: transport,
            interceptors: interceptors,
            isolation: isolation,
            handleClient: body
        )
    }

    /// IP literals are dialled directly: a name-based target would send the address as TLS SNI, which is invalid.
    private static func target(for config: ClientConfig) -> any ResolvableTarget {
        if config.host.contains(":") {
            return .ipv6(address: config.host, port: config.port)
        }
        if config.host.split(separator: ".").count == 4, config.host.allSatisfy({ $0.isNumber || $0 == "." }) {
            return .ipv4(address: config.host, port: config.port)
        }
        return .dns(host: config.host, port: config.port)
    }

    private static func security(for config: ClientConfig) -> HTTP2ClientTransport.Posix.TransportSecurity {
        switch config.trust {
        case .plaintext:
            return .plaintext
        case .systemRoots:
            return .tls
        case .certificateAuthority(let path):
            return .tls { tls in
                tls.trustRoots = .certificates([.file(path: path, format: .pem)])
            }
        }
    }
}

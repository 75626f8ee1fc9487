package import GRPCCore
package import GRPCNIOTransportHTTP2
package import SoukWire

/// Connections to a Souk host: the entry point of the client library.
///
/// ``withServices(to:wire:tokens:_:)`` opens one connection for the duration of a closure and hands it the typed
/// clients of every Souk service (``SoukServices``); the transport behind them stays inside the library. SWP/1 is
/// the default wire; gRPC over HTTP/2 is there for interop and comparison.
///
/// ```swift
/// try await SoukConnection.withServices(to: .local()) { services in
///     let page = try await services.catalogService.searchProducts(.with { $0.query = "чай" })
///     print(page.products.count)
/// }
/// ```
public enum SoukConnection {
    /// The wire a connection speaks.
    public enum Wire: Sendable, Hashable {
        /// SWP/1, Souk's own wire (port 7700 by default).
        case swp
        /// Standard gRPC over HTTP/2 (port 7701 by default).
        case http2
    }

    /// Connects as `config` says, runs `body` with the typed clients of every service, and closes the
    /// connection when `body` returns.
    ///
    /// - Parameters:
    ///   - config: The host, port and TLS trust; its `bearerToken`, when set, is sent on every call.
    ///   - wire: SWP/1 (the default) or gRPC over HTTP/2.
    ///   - tokens: Where each call's access token comes from (a ``RotatingTokenSource`` for a sign-in);
    ///     overrides `config.bearerToken`.
    ///   - body: The calls to make.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws; a failed call throws GRPCCore's `RPCError` with the server's status.
    public static func withServices<Result: Sendable>(
        to config: ClientConfig,
        wire: Wire = .swp,
        tokens: (any AccessTokenSource)? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (SoukServices) async throws -> Result
    ) async throws -> Result {
        switch wire {
        case .swp:
            return try await Self.withConnection(to: config, tokens: tokens, isolation: isolation) { client in
                try await body(SoukServices(client))
            }
        case .http2:
            return try await Self.withHTTP2Connection(to: config, tokens: tokens, isolation: isolation) { client in
                try await body(SoukServices(client))
            }
        }
    }

    /// Connects over SWP/1 as `config` says, runs `body`, and closes the connection when `body` returns.
    package static func withConnection<Result: Sendable>(
        to config: ClientConfig,
        tokens: (any AccessTokenSource)? = nil,
        interceptors: [any ClientInterceptor] = [],
        isolation: isolated (any Actor)? = #isolation,
        _ body: (GRPCClient<SWPClientTransport>) async throws -> Result
    ) async throws -> Result {
        let transport = SWPClientTransport(config: Self.wireConfig(for: config))
        return try await withGRPCClient(
            transport: transport,
            interceptors: Self.interceptors(config, tokens: tokens) + interceptors,
            isolation: isolation,
            handleClient: body
        )
    }

    /// Connects over gRPC/HTTP2 as `config` says, runs `body`, and closes the connection when `body` returns.
    package static func withHTTP2Connection<Result: Sendable>(
        to config: ClientConfig,
        tokens: (any AccessTokenSource)? = nil,
        interceptors: [any ClientInterceptor] = [],
        isolation: isolated (any Actor)? = #isolation,
        _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
    ) async throws -> Result {
        try await withGRPCClient(
            transport: try Self.http2Transport(for: config),
            interceptors: Self.interceptors(config, tokens: tokens) + interceptors,
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

    private static func interceptors(
        _ config: ClientConfig,
        tokens: (any AccessTokenSource)?
    ) -> [any ClientInterceptor] {
        if let tokens { return [BearerTokenInterceptor(source: tokens)] }
        return config.bearerToken.map { [BearerTokenInterceptor(source: StaticAccessToken($0))] } ?? []
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

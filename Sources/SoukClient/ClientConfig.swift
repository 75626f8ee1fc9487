/// How a Souk program reaches a Souk host: its address, how its certificate is trusted, and an optional
/// client certificate and bearer token.
public struct ClientConfig: Sendable, Hashable {
    /// The host name or address, e.g. `127.0.0.1`.
    public var host: String
    /// The port: 7700 for SWP, 7701 for gRPC over HTTP/2.
    public var port: Int
    /// How the server is authenticated.
    public var trust: Trust
    /// A client certificate and key (PEM paths) for mutual TLS.
    public var clientCertificate: (chainPath: String, keyPath: String)?
    /// A bearer token sent as `authorization: Bearer <token>` on every call.
    public var bearerToken: String?

    /// How the client authenticates the server.
    public enum Trust: Sendable, Hashable {
        /// TLS, trusting the CA certificate (PEM) at this path, e.g. `.souk/tls/ca.pem`.
        case certificateAuthority(path: String)
        /// TLS, trusting the system's roots.
        case systemRoots
        /// No TLS; loopback tests and benchmarks only.
        case plaintext
    }

    /// Creates a configuration.
    public init(
        host: String,
        port: Int,
        trust: Trust,
        clientCertificate: (chainPath: String, keyPath: String)? = nil,
        bearerToken: String? = nil
    ) {
        self.host = host
        self.port = port
        self.trust = trust
        self.clientCertificate = clientCertificate
        self.bearerToken = bearerToken
    }

    /// A local soukd over SWP with the defaults: 127.0.0.1:7700, trusting `<dataFolder>/tls/ca.pem`.
    public static func local(dataFolder: String = ".souk", port: Int = 7700) -> Self {
        Self(host: "127.0.0.1", port: port, trust: .certificateAuthority(path: "\(dataFolder)/tls/ca.pem"))
    }

    /// Whether `host` is an IP literal (then no name is verified or sent as SNI; the chain still is).
    var hostIsAddress: Bool {
        if self.host.contains(":") { return true }
        return self.host.split(separator: ".").count == 4 && self.host.allSatisfy { $0.isNumber || $0 == "." }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.host == rhs.host && lhs.port == rhs.port && lhs.trust == rhs.trust && lhs.bearerToken == rhs.bearerToken
            && lhs.clientCertificate?.chainPath == rhs.clientCertificate?.chainPath
            && lhs.clientCertificate?.keyPath == rhs.clientCertificate?.keyPath
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.host)
        hasher.combine(self.port)
    }
}

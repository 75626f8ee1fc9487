/// How a Souk program reaches a Souk host.
package struct ClientConfig: Sendable, Hashable {
    /// The host name or address, e.g. `127.0.0.1`.
    package var host: String
    /// The port: 7700 for SWP, 7701 for gRPC over HTTP/2.
    package var port: Int
    /// How the server is authenticated.
    package var trust: Trust
    /// A client certificate and key (PEM paths) for mutual TLS.
    package var clientCertificate: (chainPath: String, keyPath: String)?
    /// A bearer token sent as `authorization: Bearer <token>` on every call.
    package var bearerToken: String?

    /// How the client authenticates the server.
    package enum Trust: Sendable, Hashable {
        /// TLS, trusting the CA certificate (PEM) at this path, e.g. `.souk/tls/ca.pem`.
        case certificateAuthority(path: String)
        /// TLS, trusting the system's roots.
        case systemRoots
        /// No TLS; loopback tests and benchmarks only.
        case plaintext
    }

    /// Creates a configuration.
    package init(
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
    package static func local(dataFolder: String = ".souk", port: Int = 7700) -> Self {
        Self(host: "127.0.0.1", port: port, trust: .certificateAuthority(path: "\(dataFolder)/tls/ca.pem"))
    }

    /// Whether `host` is an IP literal (then no name is verified or sent as SNI; the chain still is).
    var hostIsAddress: Bool {
        if self.host.contains(":") { return true }
        return self.host.split(separator: ".").count == 4 && self.host.allSatisfy { $0.isNumber || $0 == "." }
    }

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.host == rhs.host && lhs.port == rhs.port && lhs.trust == rhs.trust && lhs.bearerToken == rhs.bearerToken
            && lhs.clientCertificate?.chainPath == rhs.clientCertificate?.chainPath
            && lhs.clientCertificate?.keyPath == rhs.clientCertificate?.keyPath
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(self.host)
        hasher.combine(self.port)
    }
}

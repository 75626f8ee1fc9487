/// How a Souk program reaches a Souk host.
package struct ClientConfig: Sendable, Hashable {
    /// The host name or address, e.g. `127.0.0.1`.
    package var host: String
    /// The port, e.g. 7701 for gRPC over HTTP/2.
    package var port: Int
    /// How the server is authenticated.
    package var trust: Trust

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
    package init(host: String, port: Int, trust: Trust) {
        self.host = host
        self.port = port
        self.trust = trust
    }

    /// A local soukd with the defaults: 127.0.0.1:7701, trusting `<dataFolder>/tls/ca.pem`.
    package static func local(dataFolder: String = ".souk", port: Int = 7701) -> Self {
        Self(host: "127.0.0.1", port: port, trust: .certificateAuthority(path: "\(dataFolder)/tls/ca.pem"))
    }
}

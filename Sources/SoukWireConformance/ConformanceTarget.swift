/// The SWP/1 endpoint the cases run against, and how long a case waits for anything it reads.
package struct ConformanceTarget: Sendable {
    /// How the connection is secured.
    package enum Security: Sendable, Hashable {
        /// Plaintext TCP (PROTOCOL.md §2: only when both sides are configured for it).
        case plaintext
        /// TLS 1.3 with ALPN `swp/1`, trusting the PEM CA at `certificateAuthorityPath`.
        case tls(certificateAuthorityPath: String)
    }

    /// The host to connect to.
    package var host: String
    /// The SWP port.
    package var port: Int
    /// Plaintext or TLS.
    package var security: Security
    /// How long one read waits before the case fails: a bound for a silent server, not a speed.
    package var readTimeout: Duration
    /// Starts a graceful drain (§15) of the server, when the runner can cause one; cases that need it are skipped
    /// otherwise. The server is expected to drain only the connections open when it is called.
    package var beginDrain: (@Sendable () async throws -> Void)?

    /// Creates a target with a 10-second read timeout and no drain trigger.
    package init(host: String, port: Int, security: Security, readTimeout: Duration = .seconds(10)) {
        self.host = host
        self.port = port
        self.security = security
        self.readTimeout = readTimeout
        self.beginDrain = nil
    }

    /// Whether the connection uses TLS.
    package var isTLS: Bool {
        if case .tls = self.security { return true }
        return false
    }
}

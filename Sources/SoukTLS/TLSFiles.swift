/// Paths of the PEM files a TLS server (and the clients that trust it) need.
package struct TLSFiles: Sendable, Hashable {
    /// The CA certificate clients trust (`ca.pem`).
    package var certificateAuthority: String
    /// The server certificate chain.
    package var certificateChain: String
    /// The server's private key.
    package var privateKey: String

    /// Names the three files.
    package init(certificateAuthority: String, certificateChain: String, privateKey: String) {
        self.certificateAuthority = certificateAuthority
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }
}

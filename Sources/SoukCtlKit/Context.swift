/// A server soukctl talks to: where it is and how its certificate is checked.
package struct Context: Sendable, Hashable, Codable {
    /// The context's name, e.g. `local` or `prod`.
    package var name: String
    /// `host:port` of soukd's SWP listener.
    package var endpoint: String
    /// The CA certificate (PEM) that signed the server's certificate; nil trusts the system's roots.
    package var certificateAuthority: String?
    /// No TLS at all (loopback tests only).
    package var plaintext: Bool

    /// A context.
    package init(name: String, endpoint: String, certificateAuthority: String?, plaintext: Bool = false) {
        self.name = name
        self.endpoint = endpoint
        self.certificateAuthority = certificateAuthority
        self.plaintext = plaintext
    }

    /// Whether `name` may name a context: letters, digits, `-`, `_` and `.`, not starting with `.`.
    package static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789-_.".unicodeScalars.contains($0))
            }
    }
}

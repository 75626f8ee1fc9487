import Foundation

/// The claims soukctl reads from its own access token, without verifying it (the server does that): who is
/// logged in and whether the one-time password must still be changed.
package struct TokenClaims: Sendable, Hashable {
    /// The account id (`sub`).
    package var subject: String
    /// Role names (`roles`).
    package var roles: [String]
    /// Whether the one-time password must be changed first (`pcr`).
    package var mustChangePassword: Bool

    /// The claims of a JWT's payload; nil when `token` is not a JWT.
    package init?(token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let subject = object["sub"] as? String
        else { return nil }
        self.subject = subject
        self.roles = object["roles"] as? [String] ?? []
        self.mustChangePassword = object["pcr"] as? Bool ?? false
    }
}

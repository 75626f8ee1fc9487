import Foundation

/// Where Redis listens and how to sign in: `redis://[[user]:password@]host[:port][/db]` or `unix:///path/redis.sock`.
///
/// The password is kept for `AUTH` and never shown: ``description`` leaves it out.
package struct RedisEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// A TCP host and port, or a Unix domain socket.
    package enum Address: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)
    }

    package var address: Address
    /// The ACL user for `AUTH`; nil with a password means the default user.
    package var username: String?
    package var password: String?
    /// The database `SELECT`ed after connecting (0, Redis's default, selects nothing).
    package var database: Int

    package init(address: Address, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.address = address
        self.username = username
        self.password = password
        self.database = database
    }

    /// Reads a `redis://` or `unix://` URL.
    ///
    /// - Throws: ``RedisError/badEndpoint(_:)`` naming what is wrong, never echoing a password.
    package init(url text: String) throws(RedisError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw .badEndpoint("'\(Self.redacted(text))' is not a URL like redis://host:6379/0")
        }
        switch scheme {
        case "redis":
            guard let host = components.host, !host.isEmpty else {
                throw .badEndpoint("'\(Self.redacted(text))' names no host")
            }
            let port = components.port ?? 6379
            guard (1...65_535).contains(port) else { throw .badEndpoint("port \(port) is out of range") }
            let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            var database = 0
            if !path.isEmpty {
                guard let number = Int(path), number >= 0 else {
                    throw .badEndpoint("the database '\(path)' is not a number of 0 or more")
                }
                database = number
            }
            self.init(address: .tcp(host: host, port: port), database: database)
        case "unix":
            guard components.host?.isEmpty ?? true, components.path.hasPrefix("/") else {
                throw .badEndpoint("'\(Self.redacted(text))' is not unix:///absolute/path")
            }
            self.init(address: .unixSocket(path: components.path))
        default:
            throw .badEndpoint("the scheme '\(scheme)' is neither redis nor unix")
        }
        if let user = components.user, !user.isEmpty { self.username = user.removingPercentEncoding ?? user }
        if let password = components.password { self.password = password.removingPercentEncoding ?? password }
        if self.username != nil, self.password == nil {
            throw .badEndpoint("a user without a password")
        }
    }

    package var description: String {
        let credentials = self.password == nil ? "" : "\(self.username ?? ""):***@"
        switch self.address {
        case .tcp(let host, let port): return "redis://\(credentials)\(host):\(port)/\(self.database)"
        case .unixSocket(let path): return "unix://\(credentials)\(path)"
        }
    }

    /// `text` with anything between `:` and `@` after the scheme hidden.
    private static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let schemeEnd = text.range(of: "://") else { return text }
        let userinfo = text[schemeEnd.upperBound..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}

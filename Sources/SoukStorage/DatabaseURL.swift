import Foundation
package import PostgresNIO

/// A parsed `postgres://` connection URL.
///
/// Accepted forms:
/// - `postgres://user:password@host:port/database?sslmode=disable|prefer|require`
/// - `postgresql://user@/database?host=/run/postgresql&port=5433` (a Unix socket folder in `host`)
package struct DatabaseURL: Sendable, Hashable {
    /// The user name to connect as.
    package var username: String
    /// The password, if any. Never logged.
    package var password: String?
    /// The host name, or `nil` when connecting through a Unix socket.
    package var host: String?
    /// The TCP port.
    package var port: Int
    /// The Unix socket folder when `host` is `nil`.
    package var socketDirectory: String?
    /// The database name.
    package var database: String
    /// The `sslmode` query value: `disable`, `prefer` or `require`.
    package var sslMode: String

    /// Parses a URL.
    ///
    /// - Throws: ``StorageError`` with code ``StorageError/Code/invalidDatabaseURL`` naming what is wrong
    ///   (the message never repeats the password).
    package init(parsing text: String) throws {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, scheme == "postgres" || scheme == "postgresql"
        else {
            throw StorageError(
                code: .invalidDatabaseURL,
                message: "DATABASE_URL must look like postgres://user:password@host:5432/database"
            )
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") },
            uniquingKeysWith: { _, last in last }
        )
        self.username = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        self.password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? self.username : path
        self.port = components.port ?? query["port"].flatMap { Int($0) } ?? 5432
        self.sslMode = query["sslmode"] ?? "prefer"
        guard ["disable", "prefer", "require"].contains(self.sslMode) else {
            throw StorageError(
                code: .invalidDatabaseURL,
                message: "DATABASE_URL sslmode must be disable, prefer or require, not '\(self.sslMode)'"
            )
        }
        if let socket = query["host"], socket.hasPrefix("/") {
            self.host = nil
            self.socketDirectory = socket
        } else if let host = components.host, !host.isEmpty {
            self.host = host
            self.socketDirectory = nil
        } else {
            throw StorageError(
                code: .invalidDatabaseURL,
                message: "DATABASE_URL names no host (give one, or ?host=/socket/folder for a Unix socket)"
            )
        }
    }

    /// The same URL with another database name.
    package func with(database: String) -> Self {
        var copy = self
        copy.database = database
        return copy
    }

    /// A `PostgresClient` configuration for this URL.
    package func makeClientConfiguration() -> PostgresClient.Configuration {
        if let socketDirectory = self.socketDirectory {
            return PostgresClient.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(self.port)",
                username: self.username,
                password: self.password,
                database: self.database
            )
        }
        let tls: PostgresClient.Configuration.TLS
        switch self.sslMode {
        case "disable": tls = .disable
        case "require": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(
            host: self.host ?? "localhost",
            port: self.port,
            username: self.username,
            password: self.password,
            database: self.database,
            tls: tls
        )
    }
}

extension DatabaseURL: CustomStringConvertible {
    /// The URL with the password masked, safe for logs.
    package var description: String {
        let credentials = self.password == nil ? self.username : "\(self.username):***"
        if let socketDirectory = self.socketDirectory {
            return "postgres://\(credentials)@/\(self.database)?host=\(socketDirectory)"
        }
        return "postgres://\(credentials)@\(self.host ?? "localhost"):\(self.port)/\(self.database)"
    }
}

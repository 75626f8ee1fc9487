import Foundation
package import Logging
package import PostgresNIO
package import SoukStorage

/// A fresh, empty database for one test, on the server named by `SOUK_TEST_DATABASE_URL`.
///
/// Each call creates `souk_test_<random>` and drops it afterwards, so suites run in parallel without
/// seeing each other's rows. `scripts/test` starts a throwaway cluster and sets the variable.
package enum TestDatabase {
    /// The environment variable naming the server (any database on it; the test databases are created beside it).
    package static let environmentKey = "SOUK_TEST_DATABASE_URL"

    /// The server URL, or an error telling how to provide one.
    package static func serverURL() throws -> DatabaseURL {
        guard let text = ProcessInfo.processInfo.environment[Self.environmentKey], !text.isEmpty else {
            throw TestSupportError(
                "\(Self.environmentKey) is not set: run the tests through scripts/test, or point it at a PostgreSQL server"
            )
        }
        return try DatabaseURL(parsing: text)
    }

    /// Creates a fresh database, runs `body` with its URL and a running client, then drops it.
    package static func withFresh<Result: Sendable>(
        logger: Logger = Logger(label: "test"),
        _ body: (DatabaseURL, PostgresClient) async throws -> Result
    ) async throws -> Result {
        let server = try self.serverURL()
        let name = "souk_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await Self.withClient(server.with(database: "postgres"), logger: logger) { admin in
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        let url = server.with(database: String(name))
        do {
            let result = try await Self.withClient(url, logger: logger) { client in
                try await body(url, client)
            }
            try await Self.drop(name: String(name), server: server, logger: logger)
            return result
        } catch {
            try? await Self.drop(name: String(name), server: server, logger: logger)
            throw error
        }
    }

    /// Runs `body` with a client of `url` that is running for the duration.
    @discardableResult
    package static func withClient<Result: Sendable>(
        _ url: DatabaseURL,
        logger: Logger = Logger(label: "test"),
        _ body: (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(configuration: url.makeClientConfiguration(), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    private static func drop(name: String, server: DatabaseURL, logger: Logger) async throws {
        try await Self.withClient(server.with(database: "postgres"), logger: logger) { admin in
            try await admin.query(
                PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"),
                logger: logger
            )
        }
    }
}

package import Logging
import PostgresNIO
import SoukStorage

/// The analytics schema's database, for programs that are not a host (`souk-worker`).
package enum AnalyticsDatabase {
    /// A database URL that cannot be used, named by the setting it came from.
    package struct BadURL: Error, CustomStringConvertible {
        package let description: String
    }

    /// Connects to the PostgreSQL database at `url`, brings the analytics schema up to date, and runs `body` with
    /// the schema's store and job leases; the connections close when `body` returns.
    ///
    /// - Throws: ``BadURL`` naming `setting` for a URL that does not parse; what migrating or `body` throws.
    package static func with<Result: Sendable>(
        url: String,
        setting: String,
        logger: Logger,
        _ body: (AnalyticsStore, JobLease) async throws -> Result
    ) async throws -> Result {
        let parsed: DatabaseURL
        do {
            parsed = try DatabaseURL(parsing: url)
        } catch {
            throw BadURL(description: "\(setting): not a PostgreSQL URL (\(error))")
        }
        let client = PostgresClient(configuration: parsed.makeClientConfiguration(), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let store = AnalyticsStore(client: client, logger: logger)
            try await store.migrate()
            return try await body(store, JobLease(client: client, logger: logger))
        }
    }
}

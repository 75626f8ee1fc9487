package import Logging
import PostgresNIO
package import SoukStorage

/// Applies the migrations of a host's services without serving: `soukd migrate`.
package struct HostMigrator: Sendable {
    private let config: HostConfig
    private let logger: Logger

    /// Prepares to migrate the database `config` names.
    package init(config: HostConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    /// Starts the database if embedded, migrates, and stops it again.
    package func migrate() async throws -> [MigrationRunner.Report] {
        let catalog = ServiceCatalog(health: HealthStatusBoard(), logger: self.logger)
        let sets = [HostMigrations.schema] + self.config.services.sorted().flatMap { catalog.entry(for: $0).migrations }
        switch self.config.database {
        case .url(let url):
            return try await Self.migrate(sets, url: url, logger: self.logger)
        case .embedded:
            let cluster = try EmbeddedCluster(dataFolder: self.config.dataFolder, logger: self.logger)
            try await cluster.start()
            do {
                let reports = try await Self.migrate(sets, url: cluster.databaseURL, logger: self.logger)
                try await cluster.stop()
                return reports
            } catch {
                try? await cluster.stop()
                throw error
            }
        }
    }

    private static func migrate(
        _ sets: [SchemaMigrations],
        url: DatabaseURL,
        logger: Logger
    ) async throws -> [MigrationRunner.Report] {
        let client = PostgresClient(configuration: url.makeClientConfiguration(), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await MigrationRunner(logger: logger).migrate(sets, on: client)
        }
    }
}

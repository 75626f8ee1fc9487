package import Logging
import PostgresNIO
import SoukDomain
import SoukIdentity
package import SoukStorage

/// Runs work on a host's database without serving: `soukd migrate`, `soukd bootstrap-admin`,
/// `soukd rotate-data-key`. Starts the embedded cluster if that is the database, migrates, runs the work, and stops it
/// again unless another soukd started it.
package struct HostMigrator: Sendable {
    private let config: HostConfig
    private let logger: Logger

    /// Prepares to work on the database `config` names.
    package init(config: HostConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    /// Starts the database if embedded, migrates, and stops it again.
    package func migrate() async throws -> [MigrationRunner.Report] {
        try await self.withMigratedDatabase { reports, _ in reports }
    }

    /// Creates the first admin account and returns its one-time password; refused once an admin exists.
    package func bootstrapAdmin(email: String) async throws -> String {
        try await self.withIdentity { identity in try await identity.bootstrapAdmin(email: email) }
    }

    /// Adds a new data key at the front of the development key file, then re-seals every personal field and
    /// signing key under it; returns the new key's id and how many values were re-sealed. With keys given by a
    /// file or the environment, the operator puts the new key first and calls ``reencrypt()``.
    package func rotateDevelopmentDataKey() async throws -> (keyID: String, resealed: Int) {
        guard case .developmentFile = self.config.dataKeys else {
            throw HostError(
                code: .invalidConfiguration,
                message: "keys come from --data-keys or SOUK_DATA_KEYS: add the new key first there, then run reencrypt"
            )
        }
        let current = try self.config.loadDataKeys()
        let key = DataKeyRing.newKey()
        try DataKeyRing.write([key] + current.keys, to: self.config.developmentDataKeysFile)
        return (key.id, try await self.reencrypt())
    }

    /// Re-seals every personal field and signing key under the first key of the ring.
    package func reencrypt() async throws -> Int {
        try await self.withIdentity { identity in try await identity.reencryptAll() }
    }

    private func withIdentity<T: Sendable>(_ body: @Sendable (IdentityService) async throws -> T) async throws -> T {
        let ring = try self.config.loadDataKeys()
        let config = self.config
        let logger = self.logger
        return try await self.withMigratedDatabase(including: [.identity]) { _, client in
            let identity = IdentityService(
                config: config.identity,
                postgres: client,
                ring: ring,
                logger: logger,
                wallClock: config.wallClock
            )
            try await identity.prepare()
            return try await body(identity)
        }
    }

    /// Runs `body` on the host's database (starting and stopping the embedded cluster when that is the
    /// database; one another soukd started is joined and left running) after migrating the schemas of the configured services and of `including`.
    func withMigratedDatabase<T: Sendable>(
        including extra: Set<ServiceName> = [],
        _ body: @Sendable ([MigrationRunner.Report], PostgresClient) async throws -> T
    ) async throws -> T {
        let services = self.config.services.union(extra)
        let sets = [HostMigrations.schema] + services.sorted().flatMap { HostDomains.domain($0).migrations }
        switch self.config.database {
        case .url(let url):
            return try await Self.run(sets, url: url, logger: self.logger, body)
        case .embedded:
            let cluster = try EmbeddedCluster(dataFolder: self.config.dataFolder, logger: self.logger)
            // A server another soukd started (a running `soukd serve`) is joined and left running.
            let lease = try await cluster.start()
            do {
                let result = try await Self.run(sets, url: cluster.databaseURL, logger: self.logger, body)
                try await cluster.release(lease)
                return result
            } catch {
                try? await cluster.release(lease)
                throw error
            }
        }
    }

    private static func run<T: Sendable>(
        _ sets: [SchemaMigrations],
        url: DatabaseURL,
        logger: Logger,
        _ body: @Sendable ([MigrationRunner.Report], PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: url.makeClientConfiguration(), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let reports = try await MigrationRunner(logger: logger).migrate(sets, on: client)
            return try await body(reports, client)
        }
    }
}

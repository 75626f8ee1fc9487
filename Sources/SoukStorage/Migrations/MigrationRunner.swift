package import Logging
package import PostgresNIO

/// Applies schema migrations at start, once, even when several replicas start together.
///
/// Everything happens in one transaction holding a transaction-scoped advisory lock, so a second replica waits
/// for the first and then finds nothing left to do. What ran is recorded in `souk_meta.migrations`.
/// A database holding a version newer than this build knows is refused (``StorageError/Code/schemaTooNew``):
/// it was migrated by a newer Souk and running old code against it could corrupt data.
package struct MigrationRunner: Sendable {
    /// The advisory lock key (ASCII "soukmigr").
    package static let lockKey: Int64 = 0x736F_756B_6D69_6772

    /// What a run did for one schema.
    package struct Report: Sendable, Hashable {
        /// The schema.
        package var schema: String
        /// Versions applied by this run, in order.
        package var applied: [Int]
        /// The schema's version after the run.
        package var version: Int

        /// Creates a report.
        package init(schema: String, applied: [Int], version: Int) {
            self.schema = schema
            self.applied = applied
            self.version = version
        }
    }

    private let logger: Logger

    /// Creates a runner logging to `logger`.
    package init(logger: Logger) {
        self.logger = logger
    }

    /// Brings every schema in `sets` up to date.
    ///
    /// - Throws: ``StorageError`` (`schemaTooNew`, `migrationFailed`); on failure nothing of the run is kept.
    @discardableResult
    package func migrate(_ sets: [SchemaMigrations], on client: PostgresClient) async throws -> [Report] {
        for set in sets { try Self.validate(set) }
        do {
            return try await client.withGuardedTransaction(logger: self.logger) { connection in
                try await self.migrate(sets, on: connection)
            }
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError(code: .migrationFailed, message: "applying migrations failed", cause: error)
        }
    }

    private func migrate(_ sets: [SchemaMigrations], on connection: PostgresConnection) async throws -> [Report] {
        try await connection.guardedQuery("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: self.logger)
        try await connection.guardedQuery("CREATE SCHEMA IF NOT EXISTS souk_meta", logger: self.logger)
        try await connection.guardedQuery(
            """
            CREATE TABLE IF NOT EXISTS souk_meta.migrations (
                schema_name text NOT NULL,
                version integer NOT NULL,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (schema_name, version)
            )
            """,
            logger: self.logger
        )
        var reports: [Report] = []
        for set in sets {
            var recorded: [Int: String] = [:]
            let rows = try await connection.guardedQuery(
                "SELECT version, checksum FROM souk_meta.migrations WHERE schema_name = \(set.schema)",
                logger: self.logger
            )
            for try await (version, checksum) in rows.decode((Int, String).self) {
                recorded[version] = checksum
            }
            if let newest = recorded.keys.max(), newest > set.latestVersion {
                throw StorageError(
                    code: .schemaTooNew,
                    message: """
                        schema '\(set.schema)' is at version \(newest) but this build knows only up to \
                        \(set.latestVersion): the database was used by a newer Souk; run that version or use another database
                        """
                )
            }
            // The schema name is validated as a plain identifier in validate(_:), so it is safe to interpolate.
            try await connection.guardedQuery(
                PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(set.schema)"),
                logger: self.logger
            )
            var applied: [Int] = []
            for migration in set.migrations.sorted(by: { $0.version < $1.version }) {
                if let checksum = recorded[migration.version] {
                    guard checksum == migration.checksum else {
                        throw StorageError(
                            code: .migrationFailed,
                            message:
                                "migration \(set.schema) #\(migration.version) was changed after it ran; add a new migration instead"
                        )
                    }
                    continue
                }
                for statement in migration.statements {
                    try await connection.guardedQuery(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                try await connection.guardedQuery(
                    """
                    INSERT INTO souk_meta.migrations (schema_name, version, name, checksum)
                    VALUES (\(set.schema), \(migration.version), \(migration.name), \(migration.checksum))
                    """,
                    logger: self.logger
                )
                applied.append(migration.version)
                self.logger.info(
                    "applied migration",
                    metadata: [
                        "schema": "\(set.schema)", "version": "\(migration.version)", "name": "\(migration.name)",
                    ]
                )
            }
            reports.append(Report(schema: set.schema, applied: applied, version: set.latestVersion))
        }
        return reports
    }

    private static func validate(_ set: SchemaMigrations) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
        guard !set.schema.isEmpty, set.schema.allSatisfy({ allowed.contains($0) }), set.schema.first?.isLetter == true
        else {
            throw StorageError(code: .migrationFailed, message: "schema name '\(set.schema)' is not a plain identifier")
        }
        let versions = set.migrations.map(\.version).sorted()
        guard versions.isEmpty || versions == Array(1...versions.count) else {
            throw StorageError(
                code: .migrationFailed,
                message: "migrations of '\(set.schema)' must be numbered 1, 2, 3, … without gaps or repeats"
            )
        }
    }
}

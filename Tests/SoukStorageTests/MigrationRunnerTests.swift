import Logging
import PostgresNIO
import SoukStorage
import TestSupport
import Testing

/// Runs against real PostgreSQL (`SOUK_TEST_DATABASE_URL`), one fresh database per test.
@Suite("MigrationRunner against PostgreSQL")
struct MigrationRunnerTests {
    let logger = Logger(label: "test")

    static let shop = SchemaMigrations(
        schema: "shop",
        migrations: [
            Migration(version: 1, name: "items", statements: ["CREATE TABLE shop.items (id int PRIMARY KEY)"]),
            Migration(
                version: 2,
                name: "names",
                statements: [
                    "ALTER TABLE shop.items ADD COLUMN name text",
                    "INSERT INTO shop.items (id, name) VALUES (1, 'first')",
                ]
            ),
        ]
    )

    @Test("applies every migration once and records it")
    func appliesOnce() async throws {
        try await TestDatabase.withFresh { _, client in
            let runner = MigrationRunner(logger: self.logger)
            let first = try await runner.migrate([Self.shop], on: client)
            #expect(first == [MigrationRunner.Report(schema: "shop", applied: [1, 2], version: 2)])
            let second = try await runner.migrate([Self.shop], on: client)
            #expect(second == [MigrationRunner.Report(schema: "shop", applied: [], version: 2)])
            #expect(try await Self.count("SELECT count(*) FROM shop.items", client) == 1)
            #expect(
                try await Self.count("SELECT count(*) FROM souk_meta.migrations WHERE schema_name = 'shop'", client)
                    == 2
            )
        }
    }

    @Test("replicas migrating at the same moment apply each migration exactly once")
    func concurrentReplicas() async throws {
        try await TestDatabase.withFresh { _, client in
            let reports = try await withThrowingTaskGroup(of: [MigrationRunner.Report].self) { group in
                for _ in 0..<4 {
                    group.addTask { try await MigrationRunner(logger: self.logger).migrate([Self.shop], on: client) }
                }
                var all: [[MigrationRunner.Report]] = []
                for try await report in group { all.append(report) }
                return all
            }
            let applied = reports.flatMap { $0.flatMap(\.applied) }.sorted()
            #expect(applied == [1, 2])
            #expect(try await Self.count("SELECT count(*) FROM shop.items", client) == 1)
        }
    }

    @Test("a failing migration leaves nothing behind")
    func failureRollsBack() async throws {
        try await TestDatabase.withFresh { _, client in
            var broken = Self.shop
            broken.migrations.append(
                Migration(
                    version: 3,
                    name: "broken",
                    statements: ["CREATE TABLE shop.more (id int)", "SELECT * FROM nowhere"]
                )
            )
            await #expect(throws: StorageError.self) {
                try await MigrationRunner(logger: self.logger).migrate([broken], on: client)
            }
            let schemas = try await Self.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'shop'", client)
            #expect(schemas == 0)
        }
    }

    @Test("a database migrated by a newer build is refused")
    func refusesNewerSchema() async throws {
        try await TestDatabase.withFresh { _, client in
            var newer = Self.shop
            newer.migrations.append(
                Migration(version: 3, name: "later", statements: ["ALTER TABLE shop.items ADD COLUMN x int"])
            )
            try await MigrationRunner(logger: self.logger).migrate([newer], on: client)
            let error = await #expect(throws: StorageError.self) {
                try await MigrationRunner(logger: self.logger).migrate([Self.shop], on: client)
            }
            #expect(error?.code == .schemaTooNew)
            #expect(error?.message.contains("version 3") == true)
        }
    }

    @Test("an applied migration that was edited is refused")
    func refusesEditedMigration() async throws {
        try await TestDatabase.withFresh { _, client in
            try await MigrationRunner(logger: self.logger).migrate([Self.shop], on: client)
            var edited = Self.shop
            edited.migrations[0].statements = ["CREATE TABLE shop.items (id bigint PRIMARY KEY)"]
            let error = await #expect(throws: StorageError.self) {
                try await MigrationRunner(logger: self.logger).migrate([edited], on: client)
            }
            #expect(error?.code == .migrationFailed)
        }
    }

    @Test("gaps in the version numbers and unsafe schema names are refused before touching the database")
    func validatesInput() async throws {
        try await TestDatabase.withFresh { _, client in
            let gap = SchemaMigrations(schema: "shop", migrations: [Migration(version: 2, name: "x", statements: [])])
            let unsafe = SchemaMigrations(schema: "shop; DROP", migrations: [])
            for set in [gap, unsafe] {
                let error = await #expect(throws: StorageError.self) {
                    try await MigrationRunner(logger: self.logger).migrate([set], on: client)
                }
                #expect(error?.code == .migrationFailed)
            }
            let schemas = try await Self.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'souk_meta'", client)
            #expect(schemas == 0)
        }
    }

    static func count(_ sql: String, _ client: PostgresClient) async throws -> Int {
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test"))
        for try await value in rows.decode(Int.self) { return value }
        return -1
    }
}

/// One forward-only step of a schema's history.
///
/// Statements run in order inside the migration transaction. Write them schema-qualified
/// (`CREATE TABLE identity.accounts ...`): migrations never depend on `search_path`.
package struct Migration: Sendable, Hashable {
    /// The position in the schema's history, starting at 1, without gaps.
    package var version: Int
    /// A short description recorded in the migrations table.
    package var name: String
    /// The SQL statements, each run on its own (the extended protocol takes one statement at a time).
    package var statements: [String]

    /// Creates a migration.
    package init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }

    /// A fingerprint of the statements, so an edited migration that already ran is detected (FNV-1a 64).
    package var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for statement in self.statements {
            for byte in statement.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            hash ^= 0xff
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// The migrations of one service's schema.
package struct SchemaMigrations: Sendable, Hashable {
    /// The PostgreSQL schema the service owns, e.g. `identity`.
    package var schema: String
    /// Its migrations in version order.
    package var migrations: [Migration]

    /// Creates the history of `schema`.
    package init(schema: String, migrations: [Migration]) {
        self.schema = schema
        self.migrations = migrations
    }

    /// The newest version this build knows.
    package var latestVersion: Int { self.migrations.map(\.version).max() ?? 0 }
}

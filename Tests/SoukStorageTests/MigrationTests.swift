import SoukStorage
import Testing

@Suite("Migration")
struct MigrationTests {
    @Test("the checksum is stable and changes with any statement")
    func checksum() {
        let first = Migration(version: 1, name: "a", statements: ["CREATE TABLE s.a (id int)"])
        let same = Migration(version: 1, name: "renamed", statements: ["CREATE TABLE s.a (id int)"])
        let edited = Migration(version: 1, name: "a", statements: ["CREATE TABLE s.a (id bigint)"])
        let split = Migration(version: 1, name: "a", statements: ["CREATE TABLE s.a", " (id int)"])
        #expect(first.checksum == same.checksum)
        #expect(first.checksum != edited.checksum)
        #expect(first.checksum != split.checksum)
        #expect(first.checksum.count == 16)
    }

    @Test("the latest version is the highest one known")
    func latestVersion() {
        let set = SchemaMigrations(
            schema: "shop",
            migrations: [
                Migration(version: 1, name: "a", statements: []),
                Migration(version: 2, name: "b", statements: []),
            ]
        )
        #expect(set.latestVersion == 2)
        #expect(SchemaMigrations(schema: "empty", migrations: []).latestVersion == 0)
    }
}

import PostgresNIO
import SoukStorage
import Testing

@Suite("DatabaseURL")
struct DatabaseURLTests {
    @Test("a TCP URL keeps user, password, host, port, database and sslmode")
    func parsesTCP() throws {
        let url = try DatabaseURL(parsing: "postgres://shop:p%40ss@db.example:6543/souk?sslmode=require")
        #expect(url.username == "shop")
        #expect(url.password == "p@ss")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.database == "souk")
        #expect(url.sslMode == "require")
        #expect(url.socketDirectory == nil)
        let configuration = url.makeClientConfiguration()
        #expect(configuration.host == "db.example")
        #expect(configuration.port == 6543)
    }

    @Test("a host query parameter starting with / selects a Unix socket")
    func parsesSocket() throws {
        let url = try DatabaseURL(parsing: "postgresql://souk@/shop?host=/run/postgresql")
        #expect(url.host == nil)
        #expect(url.socketDirectory == "/run/postgresql")
        #expect(url.makeClientConfiguration().unixSocketPath == "/run/postgresql/.s.PGSQL.5432")
    }

    @Test("the description masks the password")
    func masksPassword() throws {
        let url = try DatabaseURL(parsing: "postgres://shop:secret@localhost/souk")
        #expect(!url.description.contains("secret"))
        #expect(url.description.contains("shop:***"))
    }

    @Test(
        "malformed URLs are refused with a message naming DATABASE_URL",
        arguments: ["mysql://x@y/z", "not a url", "postgres:///souk", "postgres://a@b/c?sslmode=verify-all"]
    )
    func rejectsMalformed(text: String) {
        #expect {
            try DatabaseURL(parsing: text)
        } throws: { error in
            guard let error = error as? StorageError else { return false }
            return error.code == .invalidDatabaseURL && error.message.contains("DATABASE_URL")
        }
    }
}

import Foundation
import Logging
import PostgresNIO
import SoukStorage
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Creates real PostgreSQL clusters in temporary folders with the installed server programs.
@Suite("EmbeddedCluster", .serialized, .timeLimit(.minutes(5)))
struct EmbeddedClusterTests {
    let logger = Logger(label: "test")

    @Test("creates a cluster on first start, keeps its data across stop and start, and stops cleanly")
    func keepsDataAcrossRuns() async throws {
        try await withTemporaryDirectory { folder in
            let cluster = try EmbeddedCluster(dataFolder: folder, port: 5499, logger: self.logger)
            try await cluster.start()
            try await TestDatabase.withClient(cluster.databaseURL) { client in
                try await client.query("CREATE TABLE kept (value text)", logger: self.logger)
                try await client.query("INSERT INTO kept VALUES ('still here')", logger: self.logger)
            }
            try await cluster.stop()
            #expect(try await cluster.isRunning() == false)
            #expect(!FileManager.default.fileExists(atPath: "\(cluster.clusterDirectory)/postmaster.pid"))

            try await cluster.start()
            let value = try await Self.firstText("SELECT value FROM kept", cluster.databaseURL)
            #expect(value == "still here")
            try await cluster.stop()
        }
    }

    @Test("recovers after the server is killed with SIGKILL, without losing committed rows")
    func recoversFromKill() async throws {
        try await withTemporaryDirectory { folder in
            let cluster = try EmbeddedCluster(dataFolder: folder, port: 5498, logger: self.logger)
            try await cluster.start()
            try await TestDatabase.withClient(cluster.databaseURL) { client in
                try await client.query("CREATE TABLE orders (id int)", logger: self.logger)
                try await client.query("INSERT INTO orders SELECT generate_series(1, 100)", logger: self.logger)
            }
            let pid = try Self.postmasterPID(cluster)
            #expect(kill(pid, SIGKILL) == 0)
            try await Self.waitUntilGone(pid)
            #expect(
                FileManager.default.fileExists(atPath: "\(cluster.clusterDirectory)/postmaster.pid"),
                "a crash leaves the lock file"
            )

            try await cluster.start()
            #expect(try await Self.firstText("SELECT count(*)::text FROM orders", cluster.databaseURL) == "100")
            try await cluster.stop()
        }
    }

    @Test("a lock file whose PID now belongs to another program does not block the start")
    func ignoresReusedPID() async throws {
        try await withTemporaryDirectory { folder in
            let cluster = try EmbeddedCluster(dataFolder: folder, port: 5497, logger: self.logger)
            try await cluster.start()
            let pid = try Self.postmasterPID(cluster)
            let lockFile = "\(cluster.clusterDirectory)/postmaster.pid"
            let contents = try String(contentsOfFile: lockFile, encoding: .utf8)
            kill(pid, SIGKILL)
            try await Self.waitUntilGone(pid)
            // Point the lock file at a live process that is not PostgreSQL: this test process.
            let lines = contents.split(separator: "\n", omittingEmptySubsequences: false)
            let forged = (["\(getpid())"] + lines.dropFirst()).joined(separator: "\n")
            try forged.write(toFile: lockFile, atomically: false, encoding: .utf8)

            try await cluster.start()
            #expect(try await cluster.isRunning())
            try await cluster.stop()
        }
    }

    @Test("a second user of a running cluster joins it and leaves it running; only the owner stops it")
    func joinerLeavesServerRunning() async throws {
        try await withTemporaryDirectory { folder in
            // `soukd serve` starts the cluster; `soukd bootstrap-admin` on the same data folder joins it.
            let server = try EmbeddedCluster(dataFolder: folder, port: 5495, logger: self.logger)
            let serverLease = try await server.start()
            #expect(serverLease.ownsServer)
            let pid = try Self.postmasterPID(server)

            let command = try EmbeddedCluster(dataFolder: folder, port: 5495, logger: self.logger)
            let commandLease = try await command.start()
            #expect(commandLease.ownsServer == false)
            try await command.release(commandLease)

            #expect(try await server.isRunning())
            #expect(try Self.postmasterPID(server) == pid, "the same server, not a restarted one")
            #expect(try await Self.firstText("SELECT 'up'", server.databaseURL) == "up")

            try await server.release(serverLease)
            #expect(try await server.isRunning() == false)
            #expect(!FileManager.default.fileExists(atPath: server.ownerFile))
        }
    }

    @Test("an owner that finishes while a guest still uses the server hands it over instead of stopping it")
    func ownerHandsOverToGuest() async throws {
        try await withTemporaryDirectory { folder in
            // `soukd bootstrap-admin` starts the cluster; `soukd serve` joins it before the command ends.
            let command = try EmbeddedCluster(dataFolder: folder, port: 5492, logger: self.logger)
            let commandLease = try await command.start()
            let server = try EmbeddedCluster(dataFolder: folder, port: 5492, logger: self.logger)
            let serverLease = try await server.start()
            #expect(serverLease.ownsServer == false)

            try await command.release(commandLease)
            #expect(try await server.isRunning(), "the command must not stop the server's database")
            #expect(try await Self.firstText("SELECT 'up'", server.databaseURL) == "up")

            try await server.release(serverLease)
            #expect(try await server.isRunning() == false, "the last user, now the owner, stops it")
        }
    }

    @Test("a running cluster whose owner is gone is adopted, and the adopter stops it")
    func adoptsOrphanedServer() async throws {
        try await withTemporaryDirectory { folder in
            let cluster = try EmbeddedCluster(dataFolder: folder, port: 5494, logger: self.logger)
            try await cluster.start()
            // The soukd that started it was killed: its PID names no process now.
            try "999999999\n".write(toFile: cluster.ownerFile, atomically: true, encoding: .utf8)

            let lease = try await cluster.start()
            #expect(lease.ownsServer)
            try await cluster.release(lease)
            #expect(try await cluster.isRunning() == false)
        }
    }

    @Test("a cluster made by a newer PostgreSQL is refused with a clear reason")
    func refusesNewerCluster() async throws {
        try await withTemporaryDirectory { folder in
            let cluster = try EmbeddedCluster(dataFolder: folder, port: 5496, logger: self.logger)
            try FileManager.default.createDirectory(atPath: cluster.clusterDirectory, withIntermediateDirectories: true)
            try "99\n".write(toFile: "\(cluster.clusterDirectory)/PG_VERSION", atomically: true, encoding: .utf8)
            let error = await #expect(throws: StorageError.self) { try await cluster.start() }
            #expect(error?.code == .dataFolderTooNew)
            #expect(error?.message.contains("PostgreSQL 99") == true)
        }
    }

    @Test("missing server programs are reported with the package to install")
    func reportsMissingBinaries() throws {
        let error = #expect(throws: StorageError.self) {
            try PostgresBinaries.locate(searchPath: "/nonexistent/bin", debianRoot: "/nonexistent/postgresql")
        }
        #expect(error?.code == .postgresNotInstalled)
        #expect(error?.message.contains("apt-get install -y postgresql") == true)
    }

    @Test("finds the installed server programs and reads their major version")
    func findsInstalledBinaries() async throws {
        let binaries = try PostgresBinaries.locate(searchPath: ProcessInfo.processInfo.environment["PATH"])
        #expect(FileManager.default.isExecutableFile(atPath: binaries.pgCtl))
        #expect(try await binaries.majorVersion() >= 13)
    }

    private static func postmasterPID(_ cluster: EmbeddedCluster) throws -> Int32 {
        let text = try String(contentsOfFile: "\(cluster.clusterDirectory)/postmaster.pid", encoding: .utf8)
        return try #require(Int32(text.split(separator: "\n").first ?? ""))
    }

    private static func waitUntilGone(_ pid: Int32) async throws {
        // A generous bound: a busy machine may take long to reap a killed process.
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            // A killed child of init may linger as a zombie; /proc/<pid>/stat then says state Z.
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            if stat.isEmpty || stat.contains(") Z ") { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("process \(pid) did not exit")
    }

    private static func firstText(_ sql: String, _ url: DatabaseURL) async throws -> String? {
        try await TestDatabase.withClient(url) { client in
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test"))
            for try await value in rows.decode(String.self) { return value }
            return nil
        }
    }
}

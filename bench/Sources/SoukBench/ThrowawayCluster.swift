import Foundation
package import SoukStorage

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL cluster of the bench's own, on a Unix socket only, that can be stopped with a fast shutdown and
/// started again on the same data, as `scripts/test-postgres start|halt|stop` does for the process tests.
///
/// PostgreSQL refuses to run as root, so as root the cluster belongs to, and runs as, the `postgres` user.
///
/// ```swift
/// let cluster = try await ThrowawayCluster.create()
/// try await cluster.halt()   // pg_ctl stop -m fast
/// try await cluster.start()
/// await cluster.remove()
/// ```
package struct ThrowawayCluster: Sendable {
    /// The folder holding the cluster (`pg`), its socket and its logs.
    package let folder: String
    /// The port in the socket's name.
    package let port: Int
    /// The server programs used (`initdb`, `pg_ctl`, `psql`).
    package let binaries: PostgresBinaries

    /// The superuser `initdb` creates; trusted on the private socket.
    package static let user = "souk"

    /// Where the server listens.
    package var socket: ClusterSocket {
        ClusterSocket(socketDirectory: self.folder, port: self.port, user: Self.user)
    }

    /// The URL soukd gets: the `postgres` database over the socket.
    package var url: String { "postgres://\(Self.user)@/postgres?host=\(self.folder)&port=\(self.port)" }

    /// `psql`, next to the server programs.
    package var psql: String { "\(self.binaries.directory)/psql" }

    /// Creates a cluster in a new folder under /tmp and starts it.
    ///
    /// - Throws: ``BenchError/externalTool(tool:message:)`` when PostgreSQL is missing or does not start.
    package static func create(port: Int = 5433) async throws -> ThrowawayCluster {
        let binaries: PostgresBinaries
        do {
            binaries = try PostgresBinaries.locate(searchPath: ProcessInfo.processInfo.environment["PATH"])
        } catch {
            throw BenchError.externalTool(tool: "PostgreSQL", message: "\(error)")
        }
        // Short: a socket path holds at most 107 bytes.
        let folder = "/tmp/souk-chaos-pg-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(
            atPath: folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755]
        )
        let cluster = ThrowawayCluster(folder: folder, port: port, binaries: binaries)
        do {
            if Self.isRoot { _ = try await cluster.execute(["/bin/chown", "postgres:postgres", folder], as: nil) }
            try await cluster.check(
                [
                    binaries.initdb, "-D", "\(folder)/pg", "-U", Self.user, "--auth=trust", "--encoding=UTF8",
                    "--locale=C", "--lc-ctype=C.UTF-8", "--no-instructions",
                ],
                what: "initdb"
            )
            try await cluster.start()
            return cluster
        } catch {
            await cluster.remove()
            throw error
        }
    }

    /// Starts the server and waits (up to two minutes) until it accepts connections.
    package func start() async throws {
        let options =
            "-c listen_addresses='' -k \(self.folder) -p \(self.port) -c max_connections=200 -c fsync=off"
        try await self.check(
            [
                self.binaries.pgCtl, "start", "-D", "\(self.folder)/pg", "-w", "-t", "120", "-l",
                "\(self.folder)/server.log", "-o", options,
            ],
            what: "pg_ctl start"
        )
    }

    /// Stops the server with a fast shutdown: sessions are ended at once, committed data is kept.
    package func halt() async throws {
        try await self.check(
            [self.binaries.pgCtl, "stop", "-D", "\(self.folder)/pg", "-m", "fast", "-w", "-t", "60"],
            what: "pg_ctl stop -m fast"
        )
    }

    /// Stops the server if it runs and removes the folder.
    package func remove() async {
        if FileManager.default.fileExists(atPath: "\(self.folder)/pg/postmaster.pid") {
            try? await self.halt()
        }
        try? FileManager.default.removeItem(atPath: self.folder)
    }

    /// Runs one SQL query through psql and returns its unaligned output.
    package func query(_ sql: String) async throws -> String {
        let outcome = try await self.execute(
            [self.psql, "-h", self.folder, "-p", "\(self.port)", "-U", Self.user, "-d", "postgres", "-Atc", sql],
            as: nil,
            log: "\(self.folder)/psql.out"
        )
        guard outcome.status == 0 else {
            throw BenchError.externalTool(tool: "psql", message: "exited with \(outcome.status): \(outcome.output)")
        }
        return outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func check(_ argv: [String], what: String) async throws {
        let outcome = try await self.execute(argv, as: Self.isRoot ? "postgres" : nil)
        guard outcome.status == 0 else {
            let lines = outcome.output.split(separator: "\n").suffix(3).joined(separator: " / ")
            throw BenchError.externalTool(tool: what, message: "exited with \(outcome.status): \(lines)")
        }
    }

    /// Runs `argv`, as `user` through runuser when given.
    private func execute(_ argv: [String], as user: String?, log: String? = nil) async throws -> ChildProcess.Outcome {
        let command = user.map { ["/usr/sbin/runuser", "-u", $0, "--"] + argv } ?? argv
        return try await ChildProcess.run(
            command,
            log: log ?? "\(self.folder)/commands.out",
            timeout: .seconds(180)
        )
    }

    private static var isRoot: Bool { getuid() == 0 }
}

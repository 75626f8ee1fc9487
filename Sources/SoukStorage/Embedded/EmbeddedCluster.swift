import Foundation
package import Logging
import NIOPosix
import PostgresNIO
import SoukProcess

#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster kept in Souk's data folder and reached over a Unix socket only.
///
/// The cluster is created with `initdb` on first use, started with `pg_ctl`, kept between runs and stopped on
/// exit. It listens on no TCP port; its socket folder is private (mode 0700), so only its owner (and root) can
/// connect, which is why local connections use `trust`. PostgreSQL refuses to run as root, so when Souk runs
/// as root every cluster command runs as the `postgres` system user and the cluster folder belongs to it.
///
/// ```swift
/// let cluster = try EmbeddedCluster(dataFolder: ".souk", logger: logger)
/// let lease = try await cluster.start()
/// let url = cluster.databaseURL   // postgres://souk@/souk?host=<socket folder>
/// try await cluster.release(lease)  // stops the server only if this process owns it
/// ```
///
/// Several soukd processes may share one cluster (`soukd bootstrap-admin` while `soukd serve` runs): the process
/// that starts the server records itself in ``ownerFile``; another process finding that owner alive joins the
/// running server as a guest and leaves it running when done (see ``ClusterLease``). A server whose owner is gone
/// (a soukd that was killed) is adopted, and the adopting process becomes its owner.
package struct EmbeddedCluster: Sendable {
    /// The database Souk's services use inside the cluster.
    package static let databaseName = "souk"
    /// The superuser `initdb` creates.
    package static let superuser = "souk"

    /// Where the cluster's files live (`<data folder>/pg` unless that is unreachable for the `postgres` user).
    package let clusterDirectory: String
    /// The folder holding the Unix socket.
    package let socketDirectory: String
    /// The port number in the socket's name (no TCP listener is opened).
    package let port: Int
    /// The server programs used.
    package let binaries: PostgresBinaries
    private let runner: CommandRunner
    private let users: ClusterUsers
    private let owner: ClusterOwner?
    private let logger: Logger

    /// Prepares to manage the cluster of `dataFolder`; nothing is started yet.
    ///
    /// - Parameters:
    ///   - dataFolder: Souk's data folder; the cluster lives in its `pg` subfolder.
    ///   - binaries: the PostgreSQL programs, found with ``PostgresBinaries/locate(searchPath:)`` by default.
    ///   - port: the port number in the socket file's name.
    ///   - logger: where progress is logged.
    /// - Throws: ``StorageError`` when PostgreSQL is missing or the folder cannot be used.
    package init(
        dataFolder: String,
        binaries: PostgresBinaries? = nil,
        port: Int = 5432,
        logger: Logger
    ) throws {
        let absolute = URL(fileURLWithPath: dataFolder).standardizedFileURL.path
        self.binaries = try binaries ?? PostgresBinaries.locate(searchPath: ProcessInfo.processInfo.environment["PATH"])
        self.port = port
        self.logger = logger
        self.owner = try ClusterOwner.forCurrentUser()
        self.runner = CommandRunner(prefix: self.owner?.commandPrefix ?? [])
        let preferred = "\(absolute)/pg"
        if let owner = self.owner, !owner.canTraverse(parentsOf: preferred) {
            // The postgres user cannot reach a folder below, say, /root (mode 0700). Keep the cluster in a
            // stable place of its own instead, named after the data folder so each data folder keeps its data.
            self.clusterDirectory = "/var/lib/souk/clusters/\(ClusterOwner.stableName(for: absolute))"
            logger.notice(
                "the postgres user cannot reach the data folder; keeping the cluster elsewhere",
                metadata: ["cluster": "\(self.clusterDirectory)"]
            )
        } else {
            self.clusterDirectory = preferred
        }
        self.users = ClusterUsers(clusterDirectory: self.clusterDirectory)
        // A socket path is limited to 107 bytes; fall back to a short private folder for deep data folders.
        let socketName = "/.s.PGSQL.\(port)"
        if self.clusterDirectory.utf8.count + socketName.utf8.count < 100 {
            self.socketDirectory = self.clusterDirectory
        } else {
            self.socketDirectory = "/tmp/souk-pg-\(ClusterOwner.stableName(for: self.clusterDirectory))"
        }
    }

    /// The URL of Souk's database in this cluster.
    package var databaseURL: DatabaseURL {
        // Built from parts, so it cannot fail to parse.
        var url = try! DatabaseURL(parsing: "postgres://\(Self.superuser)@localhost/\(Self.databaseName)")
        url.host = nil
        url.socketDirectory = self.socketDirectory
        url.port = self.port
        url.sslMode = "disable"
        return url
    }

    /// Whether a live PostgreSQL server runs on this cluster.
    ///
    /// `pg_ctl status` alone is not enough: a server killed while its parent does not reap it stays a zombie,
    /// which `kill(pid, 0)` still reports as alive.
    package func isRunning() async throws -> Bool {
        let outcome = try await self.run(self.binaries.pgCtl, ["status", "-D", self.clusterDirectory])
        guard outcome.status == 0 else { return false }
        return Self.lockFilePID("\(self.clusterDirectory)/postmaster.pid").map(Self.isPostgresProcess) ?? false
    }

    /// Creates the cluster if needed, recovers from a crash, starts the server and creates Souk's database.
    ///
    /// A server already running on this cluster is not restarted: when the process that started it is still
    /// alive it is joined (and must be left running), otherwise it is adopted (left by a soukd that was killed).
    /// - Returns: the lease to hand to ``release(_:)``, saying whether this process owns the server.
    /// - Throws: ``StorageError`` naming what failed; the server log's tail is included for start failures.
    @discardableResult
    package func start() async throws -> ClusterLease {
        try self.makeFolders()
        try await self.initializeIfNeeded()
        try await self.checkVersion()
        let lease: ClusterLease
        if try await self.isRunning() {
            if let owner = self.users.liveOwner() {
                self.logger.notice(
                    "joining the PostgreSQL server another soukd started; it keeps running after this command",
                    metadata: ["owner": "\(owner.pid)"]
                )
                lease = ClusterLease(ownsServer: false)
                try self.users.addGuest(lease)
            } else {
                self.logger.notice("adopting the PostgreSQL server already running on the cluster")
                lease = ClusterLease(ownsServer: true)
                try self.users.recordOwner(lease)
            }
        } else {
            try self.removeStaleLockFiles()
            let options =
                "-c listen_addresses='' -k '\(self.socketDirectory)' -p \(self.port) -c unix_socket_permissions=0700"
            let outcome = try await self.run(
                self.binaries.pgCtl,
                ["start", "-D", self.clusterDirectory, "-w", "-t", "120", "-l", self.logFile, "-o", options]
            )
            guard outcome.status == 0 else {
                throw StorageError(
                    code: .clusterFailed,
                    message: "PostgreSQL did not start: \(outcome.output.trimmed) \(self.logTail())"
                )
            }
            self.logger.info("started PostgreSQL", metadata: ["cluster": "\(self.clusterDirectory)"])
            lease = ClusterLease(ownsServer: true)
            try self.users.recordOwner(lease)
        }
        try await self.createDatabaseIfNeeded()
        return lease
    }

    /// Ends `lease`'s use of the server. A guest leaves it running; the owner hands it over to a guest still
    /// using it, or stops it when there is none.
    package func release(_ lease: ClusterLease) async throws {
        guard self.users.isOwner(lease) else {
            self.users.removeGuest(lease)
            self.logger.info("leaving PostgreSQL running for the soukd that owns it")
            return
        }
        if let guest = try self.users.handOver() {
            self.logger.notice("leaving PostgreSQL running for soukd \(guest), which still uses it")
            return
        }
        try await self.stop()
    }

    /// Stops the server (fast shutdown: open sessions are ended, committed data is safe).
    package func stop() async throws {
        guard try await self.isRunning() else { return }
        let outcome = try await self.run(
            self.binaries.pgCtl,
            ["stop", "-D", self.clusterDirectory, "-m", "fast", "-w", "-t", "60"]
        )
        guard outcome.status == 0 else {
            throw StorageError(code: .clusterFailed, message: "PostgreSQL did not stop: \(outcome.output.trimmed)")
        }
        self.users.clearOwner()
        self.logger.info("stopped PostgreSQL", metadata: ["cluster": "\(self.clusterDirectory)"])
    }

    /// The file naming the process that owns the running server (see ``ClusterLease``).
    package var ownerFile: String { self.users.ownerFile }

    /// The server's log file.
    package var logFile: String { "\(self.clusterDirectory)/server.log" }

    private func makeFolders() throws {
        for folder in Set([self.clusterDirectory, self.socketDirectory]) {
            do {
                // Parents stay traversable (0755) so the postgres user can reach the folder; the folder is private.
                let parent = (folder as NSString).deletingLastPathComponent
                try FileManager.default.createDirectory(
                    atPath: parent,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o755]
                )
                if !FileManager.default.fileExists(atPath: folder) {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
                }
                try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder)
                try self.owner?.takeOwnership(of: folder)
            } catch let error as StorageError {
                throw error
            } catch {
                throw StorageError(
                    code: .dataFolderUnusable,
                    message: "cannot create the PostgreSQL folder \(folder); check the data folder's permissions",
                    cause: error
                )
            }
        }
    }

    private func initializeIfNeeded() async throws {
        guard !FileManager.default.fileExists(atPath: "\(self.clusterDirectory)/PG_VERSION") else { return }
        self.logger.info("creating the embedded PostgreSQL cluster", metadata: ["cluster": "\(self.clusterDirectory)"])
        let outcome = try await self.run(
            self.binaries.initdb,
            [
                // Byte-order collation (fast, stable), but Unicode character classes: full-text search must
                // lower-case Cyrillic, which the C locale does not.
                "-D", self.clusterDirectory, "-U", Self.superuser, "--auth=trust", "--encoding=UTF8",
                "--locale=C", "--lc-ctype=C.UTF-8", "--no-instructions",
            ]
        )
        guard outcome.status == 0 else {
            throw StorageError(code: .clusterFailed, message: "initdb failed: \(outcome.output.trimmed)")
        }
    }

    private func checkVersion() async throws {
        let text = (try? String(contentsOfFile: "\(self.clusterDirectory)/PG_VERSION", encoding: .utf8)) ?? ""
        guard let dataMajor = Int(text.trimmed) else {
            throw StorageError(
                code: .dataFolderUnusable,
                message: "\(self.clusterDirectory) is not a PostgreSQL cluster (PG_VERSION unreadable)"
            )
        }
        let installed = try await self.binaries.majorVersion(runner: self.runner)
        if dataMajor > installed {
            throw StorageError(
                code: .dataFolderTooNew,
                message: """
                    the data folder holds a PostgreSQL \(dataMajor) cluster but PostgreSQL \(installed) is installed; \
                    install PostgreSQL \(dataMajor) or use another data folder
                    """
            )
        }
        if dataMajor < installed {
            throw StorageError(
                code: .dataFolderUnusable,
                message: """
                    the data folder holds a PostgreSQL \(dataMajor) cluster but PostgreSQL \(installed) is installed; \
                    upgrade it with pg_upgrade or use another data folder
                    """
            )
        }
    }

    /// Removes lock files whose process is gone or is no longer a postgres process (its PID was reused).
    ///
    /// PostgreSQL itself ignores a lock file naming a dead PID, but refuses to start when the PID now belongs to
    /// another live process: after a crash and a reboot that happens often enough to handle here.
    private func removeStaleLockFiles() throws {
        let lockFiles = [
            "\(self.clusterDirectory)/postmaster.pid",
            "\(self.socketDirectory)/.s.PGSQL.\(self.port).lock",
        ]
        for file in lockFiles {
            guard let pid = Self.lockFilePID(file) else { continue }
            if !Self.isPostgresProcess(pid) {
                self.logger.notice("removing a stale PostgreSQL lock file", metadata: ["file": "\(file)"])
                try? FileManager.default.removeItem(atPath: file)
            }
        }
    }

    private static func lockFilePID(_ file: String) -> Int32? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        return Int32(text.split(separator: "\n").first.map(String.init)?.trimmed ?? "")
    }

    /// Whether `pid` is a live (not zombie) process named postgres.
    private static func isPostgresProcess(_ pid: Int32) -> Bool {
        guard ClusterUsers.isLiveProcess(pid) else { return false }
        let name = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmed ?? ""
        return name.hasPrefix("postgres")
    }

    private func createDatabaseIfNeeded() async throws {
        let configuration = self.databaseURL.with(database: "postgres").makeClientConfiguration()
        let client = PostgresClient(configuration: configuration, backgroundLogger: self.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let rows = try await client.guardedQuery(
                "SELECT 1 FROM pg_database WHERE datname = \(Self.databaseName)",
                logger: self.logger
            )
            var exists = false
            for try await _ in rows { exists = true }
            if !exists {
                // Identifiers cannot be bound; the name is a constant of ours.
                try await client.guardedQuery(
                    PostgresQuery(unsafeSQL: "CREATE DATABASE \(Self.databaseName)"),
                    logger: self.logger
                )
                self.logger.info("created the database", metadata: ["database": "\(Self.databaseName)"])
            }
        }
    }

    private func logTail() -> String {
        guard let text = try? String(contentsOfFile: self.logFile, encoding: .utf8) else { return "" }
        let lines = text.split(separator: "\n").suffix(5).joined(separator: " | ")
        return "(server log: \(lines))"
    }
}

extension String {
    var trimmed: String { self.trimmingCharacters(in: .whitespacesAndNewlines) }
}

extension EmbeddedCluster {
    /// Runs one of the cluster's commands; a command that cannot be started is a cluster failure.
    fileprivate func run(_ executable: String, _ arguments: [String]) async throws -> CommandRunner.Outcome {
        do {
            return try await self.runner.run(executable, arguments)
        } catch let error as CommandError {
            throw StorageError(code: .clusterFailed, message: error.message)
        }
    }
}

import Foundation
import SoukProcess

/// A `redis-server` of Souk's own in a folder: a cache with no persistence, reached over a Unix socket in that folder
/// (and a loopback TCP port when asked), started daemonized and stopped by its pid file.
///
/// soukd starts one in its data folder beside the embedded PostgreSQL when no Redis URL is configured; tests start
/// one per test. A server left behind by a process that was killed is stopped before a new one starts.
package struct EmbeddedRedis: Sendable {
    /// The folder holding the socket, the pid file and the log.
    package let folder: String
    /// A loopback TCP port to listen on as well, or nil for the Unix socket alone.
    package let port: Int?
    /// A password for the default user, or nil for none.
    package let requirePass: String?

    /// A server in `folder` (made absolute here: redis-server changes into it before it opens its files).
    package init(folder: String, port: Int? = nil, requirePass: String? = nil) {
        self.folder = folder.hasPrefix("/") ? folder : "\(FileManager.default.currentDirectoryPath)/\(folder)"
        self.port = port
        self.requirePass = requirePass
    }

    package var socketPath: String { "\(self.folder)/redis.sock" }
    private var pidPath: String { "\(self.folder)/redis.pid" }
    private var logPath: String { "\(self.folder)/redis.log" }

    /// The Unix socket as an endpoint.
    package var endpoint: RedisEndpoint { RedisEndpoint(address: .unixSocket(path: self.socketPath)) }

    /// Debian's `redis-server` (`scripts/install-dependencies` installs it), or nil when it is not installed.
    package static var executable: String? {
        ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Starts the server (or starts it again after ``stop()``) and returns once it listens.
    ///
    /// - Throws: ``EmbeddedRedisError``: not installed, would not start, its port taken, or not listening within
    ///   `timeout`.
    package func start(timeout: Duration = .seconds(30)) async throws {
        guard let executable = Self.executable else {
            throw EmbeddedRedisError("redis-server is not installed (Debian's redis-server package)")
        }
        try FileManager.default.createDirectory(
            atPath: self.folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        await self.stop()
        var arguments = [
            "--port", "\(self.port ?? 0)", "--bind", "127.0.0.1",
            "--unixsocket", self.socketPath, "--unixsocketperm", "700",
            "--save", "", "--appendonly", "no",
            "--daemonize", "yes", "--pidfile", self.pidPath,
            "--dir", self.folder, "--logfile", self.logPath,
        ]
        if let requirePass { arguments += ["--requirepass", requirePass] }
        try? FileManager.default.removeItem(atPath: self.logPath)
        let outcome = try await CommandRunner().run(executable, arguments)
        guard outcome.status == 0 else {
            throw EmbeddedRedisError("redis-server exited with \(outcome.status): \(outcome.output.suffix(2000))")
        }
        // Daemonized: the socket appears once it listens; a port taken meanwhile ends it at once, with a log line.
        let deadline = ContinuousClock.now + timeout
        while !FileManager.default.fileExists(atPath: self.socketPath) {
            let log = (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
            if log.contains("Address already in use") {
                throw EmbeddedRedisError("port \(self.port ?? 0) is taken", isPortTaken: true)
            }
            guard ContinuousClock.now < deadline else {
                throw EmbeddedRedisError("redis-server did not listen within \(timeout): \(log.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Whether a server started in this folder (by this process or another) is running and listening.
    package var isRunning: Bool {
        guard let pid = self.pid else { return false }
        return Self.isRedis(pid) && FileManager.default.fileExists(atPath: self.socketPath)
    }

    private var pid: Int32? {
        guard let text = try? String(contentsOfFile: self.pidPath, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1
        else { return nil }
        return pid
    }

    /// Stops the server at once (SIGKILL: it keeps nothing worth saving) and waits until it is gone; nothing when it
    /// is not running.
    package func stop() async {
        defer {
            try? FileManager.default.removeItem(atPath: self.socketPath)
            try? FileManager.default.removeItem(atPath: self.pidPath)
        }
        guard let pid = self.pid, Self.isRedis(pid) else { return }
        kill(pid, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(30)
        while kill(pid, 0) == 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Whether `pid` is a running redis-server (a stale pid file may name a process that has reused the number).
    private static func isRedis(_ pid: Int32) -> Bool {
        guard let command = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else { return false }
        return command.hasPrefix("redis-server")
    }
}

/// Why an embedded Redis did not start.
package struct EmbeddedRedisError: Error, CustomStringConvertible {
    package let description: String
    /// The TCP port was taken by another process between choosing it and binding it.
    package var isPortTaken = false

    package init(_ description: String, isPortTaken: Bool = false) {
        self.description = description
        self.isPortTaken = isPortTaken
    }
}

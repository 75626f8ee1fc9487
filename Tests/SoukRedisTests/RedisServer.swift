import Foundation
import NIOCore
import NIOPosix
import SoukProcess
import SoukRedis
import TestSupport

/// A real `redis-server` of its own for one test: no persistence, in a temporary folder, on a Unix socket and a TCP
/// port of loopback; stopped when the test ends.
struct RedisServer: Sendable {
    let folder: String
    let port: Int

    var socketPath: String { "\(self.folder)/redis.sock" }
    var unixEndpoint: RedisEndpoint { RedisEndpoint(address: .unixSocket(path: self.socketPath)) }
    var tcpEndpoint: RedisEndpoint { RedisEndpoint(address: .tcp(host: "127.0.0.1", port: self.port)) }

    /// Runs `body` with a started server (`requirePass` sets a password for the default user).
    static func with<Result>(
        requirePass: String? = nil,
        _ body: (RedisServer) async throws -> Result
    ) async throws -> Result {
        try await withTemporaryDirectory { folder in
            let server = try await Self.started(in: folder, requirePass: requirePass)
            do {
                let result = try await body(server)
                await server.stop()
                return result
            } catch {
                await server.stop()
                throw error
            }
        }
    }

    /// A server on a port that was free a moment ago: another process may take it first, so a few ports are tried.
    private static func started(in folder: String, requirePass: String?) async throws -> RedisServer {
        var lastError: (any Error)?
        for _ in 0..<5 {
            let server = RedisServer(folder: folder, port: try await Self.freePort())
            do {
                try await server.start(requirePass: requirePass)
                return server
            } catch let error as RedisServerError where error.isPortTaken {
                lastError = error
                await server.stop()
            }
        }
        throw lastError ?? RedisServerError("no free port")
    }

    /// Starts (or starts again) the server; `redis-server` daemonizes once it listens.
    func start(requirePass: String? = nil) async throws {
        var arguments = [
            "--port", "\(self.port)", "--bind", "127.0.0.1",
            "--unixsocket", self.socketPath, "--unixsocketperm", "700",
            "--save", "", "--appendonly", "no",
            "--daemonize", "yes", "--pidfile", "\(self.folder)/redis.pid",
            "--dir", self.folder, "--logfile", "\(self.folder)/redis.log",
        ]
        if let requirePass { arguments += ["--requirepass", requirePass] }
        let outcome = try await CommandRunner().run(Self.executable, arguments)
        guard outcome.status == 0 else {
            throw RedisServerError("redis-server exited with \(outcome.status): \(outcome.output)")
        }
        // Daemonized: the socket appears once it listens; a port taken meanwhile ends it at once, with a log line.
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: self.socketPath) {
            let log = (try? String(contentsOfFile: "\(self.folder)/redis.log", encoding: .utf8)) ?? ""
            if log.contains("Address already in use") {
                try? FileManager.default.removeItem(atPath: "\(self.folder)/redis.log")
                throw RedisServerError("port \(self.port) is taken", isPortTaken: true)
            }
            guard ContinuousClock.now < deadline else {
                throw RedisServerError("redis-server did not listen within 30 s: \(log.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops the server at once (SIGKILL: as a crash or a pulled plug would) and waits until it is gone.
    func stop() async {
        guard let text = try? String(contentsOfFile: "\(self.folder)/redis.pid", encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return }
        kill(pid, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(30)
        while kill(pid, 0) == 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        try? FileManager.default.removeItem(atPath: self.socketPath)
        try? FileManager.default.removeItem(atPath: "\(self.folder)/redis.pid")
    }

    /// Debian's `redis-server` (`scripts/install-dependencies` installs it).
    static var executable: String {
        ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
            ?? "redis-server"
    }

    /// A TCP port that was free a moment ago.
    private static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}

struct RedisServerError: Error, CustomStringConvertible {
    let description: String
    /// The TCP port was taken by another process between choosing it and binding it.
    var isPortTaken = false

    init(_ description: String, isPortTaken: Bool = false) {
        self.description = description
        self.isPortTaken = isPortTaken
    }
}

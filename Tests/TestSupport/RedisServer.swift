import Foundation
import NIOCore
import NIOPosix
package import SoukRedis

/// A real `redis-server` of its own for one test: no persistence, in a temporary folder, on a Unix socket and a TCP
/// port of loopback; stopped when the test ends.
package struct RedisServer: Sendable {
    package let redis: EmbeddedRedis

    package var folder: String { self.redis.folder }
    package var port: Int { self.redis.port ?? 0 }
    package var socketPath: String { self.redis.socketPath }
    package var unixEndpoint: RedisEndpoint { self.redis.endpoint }
    package var tcpEndpoint: RedisEndpoint { RedisEndpoint(address: .tcp(host: "127.0.0.1", port: self.port)) }

    /// Runs `body` with a started server (`requirePass` sets a password for the default user).
    package static func with<Result>(
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
            let server = RedisServer(
                redis: EmbeddedRedis(folder: folder, port: try await Self.freePort(), requirePass: requirePass)
            )
            do {
                try await server.start()
                return server
            } catch let error as EmbeddedRedisError where error.isPortTaken {
                lastError = error
                await server.stop()
            }
        }
        throw lastError ?? EmbeddedRedisError("no free port")
    }

    /// Starts (or starts again) the server.
    package func start() async throws {
        try await self.redis.start()
    }

    /// Stops the server at once (SIGKILL: as a crash or a pulled plug would) and waits until it is gone.
    package func stop() async {
        await self.redis.stop()
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

import NIOCore
import SoukRedis
import TestSupport
import Testing

/// The client against a real `redis-server` (Debian's), started per test.
@Suite("RedisClient against redis-server", .timeLimit(.minutes(2)))
struct RedisClientTests {
    static func client(
        _ endpoint: RedisEndpoint,
        configure: (inout RedisClient.Configuration) -> Void = { _ in }
    )
        -> RedisClient
    {
        var configuration = RedisClient.Configuration(endpoint: endpoint)
        // Generous: a loaded machine must not fail a test that is not about time.
        configuration.commandTimeout = .seconds(10)
        configuration.connectTimeout = .seconds(10)
        configure(&configuration)
        return RedisClient(configuration: configuration)
    }

    @Test("set, get, delete and ping, over TCP and over the Unix socket; values are binary-safe")
    func basics() async throws {
        try await RedisServer.with { server in
            for endpoint in [server.tcpEndpoint, server.unixEndpoint] {
                let redis = Self.client(endpoint)
                try await redis.ping()
                let value = ByteBuffer(bytes: [0, 13, 10, 255, 36, 42])
                try await redis.set("souk:k", to: value)
                #expect(try await redis.get("souk:k") == value)
                #expect(try await redis.get("souk:absent") == nil)
                #expect(try await redis.delete(["souk:k", "souk:absent"]) == 1)
                #expect(try await redis.get("souk:k") == nil)
                await redis.shutdown()
            }
        }
    }

    @Test("a time to live is set in milliseconds")
    func timeToLive() async throws {
        try await RedisServer.with { server in
            let redis = Self.client(server.unixEndpoint)
            try await redis.set("souk:ttl", to: ByteBuffer(string: "v"), expiresIn: .seconds(600))
            let remaining = try await redis.send(["PTTL", "souk:ttl"])
            guard case .integer(let milliseconds) = remaining else {
                Issue.record("PTTL answered \(remaining)")
                return
            }
            #expect((1...600_000).contains(milliseconds), "set, in milliseconds, and not longer than asked")
            try await redis.set("souk:forever", to: ByteBuffer(string: "v"))
            #expect(try await redis.send(["PTTL", "souk:forever"]) == .integer(-1))
            await redis.shutdown()
        }
    }

    @Test("many commands in flight on one connection each get their own answer")
    func pipelining() async throws {
        try await RedisServer.with { server in
            let redis = Self.client(server.tcpEndpoint)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask { try await redis.set("souk:\(index)", to: ByteBuffer(string: "value \(index)")) }
                }
                try await group.waitForAll()
            }
            try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for index in 0..<200 {
                    group.addTask { (index, try await redis.get("souk:\(index)").map { String(buffer: $0) }) }
                }
                for try await (index, value) in group {
                    #expect(value == "value \(index)")
                }
            }
            await redis.shutdown()
        }
    }

    @Test("an error reply is a server error with Redis's text, and the connection goes on")
    func errorReply() async throws {
        try await RedisServer.with { server in
            let redis = Self.client(server.unixEndpoint)
            try await redis.set("souk:text", to: ByteBuffer(string: "not a number"))
            let error = await #expect(throws: RedisError.self) { _ = try await redis.send(["INCR", "souk:text"]) }
            guard case .server(let message) = error else {
                Issue.record("expected a server error, got \(String(describing: error))")
                return
            }
            #expect(message.contains("not an integer"))
            try await redis.ping()
            await redis.shutdown()
        }
    }

    @Test("a password signs in; none or a wrong one is refused by Redis, by name")
    func authentication() async throws {
        try await RedisServer.with(requirePass: "open sesame") { server in
            var signedIn = server.tcpEndpoint
            signedIn.password = "open sesame"
            let good = Self.client(signedIn)
            try await good.ping()
            await good.shutdown()

            let anonymous = Self.client(server.tcpEndpoint)
            let refused = await #expect(throws: RedisError.self) { try await anonymous.ping() }
            #expect(refused == .server("NOAUTH Authentication required."))
            await anonymous.shutdown()

            var wrong = server.tcpEndpoint
            wrong.password = "guess"
            let guessing = Self.client(wrong)
            let denied = await #expect(throws: RedisError.self) { try await guessing.ping() }
            guard case .server(let message) = denied else {
                Issue.record("expected a server error, got \(String(describing: denied))")
                return
            }
            #expect(message.contains("WRONGPASS"))
            #expect(!message.contains("guess"))
            await guessing.shutdown()
        }
    }

    @Test("the database in the URL is selected")
    func database() async throws {
        try await RedisServer.with { server in
            var third = server.unixEndpoint
            third.database = 3
            let inThree = Self.client(third)
            let inZero = Self.client(server.unixEndpoint)
            try await inThree.set("souk:where", to: ByteBuffer(string: "3"))
            #expect(try await inZero.get("souk:where") == nil)
            #expect(try await inThree.get("souk:where") == ByteBuffer(string: "3"))
            await inThree.shutdown()
            await inZero.shutdown()
        }
    }

    @Test("a command with no answer in time fails as timed out, and so does the next one queued behind it")
    func timeout() async throws {
        try await RedisServer.with { server in
            let pauser = Self.client(server.unixEndpoint)
            // It connects during the pause (accepting is not paused); its commands cannot be answered until the pause
            // ends, 20 s later, so a 2 s timeout fires however busy the machine is.
            let waiting = Self.client(server.unixEndpoint) {
                $0.commandTimeout = .seconds(2)
                $0.connectTimeout = .seconds(10)
            }
            // Redis holds every client's commands for 20 s (the pauser's too, so no UNPAUSE: the server is killed at
            // the end): a Redis that is slow, not gone.
            _ = try await pauser.send(["CLIENT", "PAUSE", "20000", "ALL"])
            let first = Task { try await waiting.ping() }
            let second = Task { try await waiting.get("souk:x") }
            let firstError = await #expect(throws: RedisError.self) { try await first.value }
            let secondError = await #expect(throws: RedisError.self) { _ = try await second.value }
            for error in [firstError, secondError] {
                guard case .timedOut = error else {
                    Issue.record("expected a timeout, got \(String(describing: error))")
                    continue
                }
            }
            await pauser.shutdown()
            await waiting.shutdown()
        }
    }

    @Test("Redis gone: calls fail as unavailable at once, then work again once it is back")
    func outage() async throws {
        try await RedisServer.with { server in
            // The Unix socket: its path is this test's own, so the server can come back on it (a TCP port might be
            // taken meanwhile).
            let redis = Self.client(server.unixEndpoint) { $0.retryDelay = .milliseconds(100) }
            try await redis.set("souk:before", to: ByteBuffer(string: "1"))
            await server.stop()
            let lost = await #expect(throws: RedisError.self) { _ = try await redis.get("souk:before") }
            guard case .unavailable = lost else {
                Issue.record("expected unavailable, got \(String(describing: lost))")
                return
            }
            // A failed connect makes the next calls fail without trying, until the retry delay has passed.
            _ = try? await redis.get("souk:before")
            let fast = await #expect(throws: RedisError.self) { _ = try await redis.get("souk:before") }
            guard case .unavailable = fast else {
                Issue.record("expected unavailable, got \(String(describing: fast))")
                return
            }
            try await server.start()
            // The data did not survive a killed server without persistence; what matters is that calls work again.
            let deadline = ContinuousClock.now + .seconds(30)
            var answered = false
            while !answered, ContinuousClock.now < deadline {
                do {
                    try await redis.ping()
                    answered = true
                } catch {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(answered, "the client reconnects once Redis is back")
            await redis.shutdown()
        }
    }
}

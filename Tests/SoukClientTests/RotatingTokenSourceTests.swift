import GRPCCore
import SoukAPI
import SoukClient
import Synchronization
import Testing

/// The token source alone, with a wall clock the test sets and a refresh it counts.
struct RotatingTokenSourceTests {
    /// A pair numbered `n`: access token "a<n>" expiring at `accessExpiry`, refresh token "r<n>".
    static func pair(_ n: Int, accessExpiry: Int64, refreshExpiry: Int64 = 1_000_000) -> Souk_Identity_V1_TokenPair {
        var tokens = Souk_Identity_V1_TokenPair()
        tokens.accessToken = "a\(n)"
        tokens.accessExpiresAtUnixMs = accessExpiry
        tokens.refreshToken = "r\(n)"
        tokens.refreshExpiresAtUnixMs = refreshExpiry
        tokens.sessionID = "s"
        return tokens
    }

    /// Counts refreshes and the refresh tokens they were given; answers pair n+1 for "r<n>".
    final class Server: Sendable {
        let sent = Mutex<[String]>([])
        let rotated = Mutex<[String]>([])
        let failure: Mutex<(any Error)?> = Mutex(nil)

        func refresh(_ refreshToken: String) async throws -> Souk_Identity_V1_TokenPair {
            self.sent.withLock { $0.append(refreshToken) }
            await Task.yield()
            if let failure = self.failure.withLock({ $0 }) { throw failure }
            let n = Int(refreshToken.dropFirst())!
            return RotatingTokenSourceTests.pair(n + 1, accessExpiry: 500_000)
        }
    }

    @Test("a token far from expiry is used as it is; no renewal")
    func fresh() async throws {
        let server = Server()
        let source = RotatingTokenSource(
            tokens: Self.pair(1, accessExpiry: 100_000),
            now: { 0 },
            refresh: { try await server.refresh($0) }
        )
        #expect(try await source.accessToken() == "a1")
        #expect(try await source.accessToken() == "a1")
        #expect(server.sent.withLock { $0 }.isEmpty)
    }

    @Test("a token within the margin is renewed once for concurrent callers; the refresh token rotates")
    func renewsOnce() async throws {
        let server = Server()
        let source = RotatingTokenSource(
            tokens: Self.pair(1, accessExpiry: 20_000),
            margin: .seconds(30),
            now: { 0 },
            onRotate: { tokens in server.rotated.withLock { $0.append(tokens.refreshToken) } },
            refresh: { try await server.refresh($0) }
        )
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await source.accessToken() } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(tokens == Array(repeating: "a2", count: 8))
        #expect(server.sent.withLock { $0 } == ["r1"])
        #expect(server.rotated.withLock { $0 } == ["r2"])
        #expect(source.tokens.refreshToken == "r2")
        // The new pair is far from expiry: no second renewal.
        #expect(try await source.accessToken() == "a2")
        #expect(server.sent.withLock { $0 } == ["r1"])
    }

    @Test("renew() renews now whatever the expiry, with the latest refresh token")
    func renewNow() async throws {
        let server = Server()
        let source = RotatingTokenSource(
            tokens: Self.pair(1, accessExpiry: 100_000),
            now: { 0 },
            refresh: { try await server.refresh($0) }
        )
        #expect(try await source.renew().accessToken == "a2")
        #expect(try await source.renew().accessToken == "a3")
        #expect(server.sent.withLock { $0 } == ["r1", "r2"])
    }

    @Test("a refused renewal ends the sign-in for good; no refresh token is sent again")
    func refused() async throws {
        let server = Server()
        server.failure.withLock { $0 = RPCError(code: .unauthenticated, message: "refresh_token: revoked") }
        let source = RotatingTokenSource(
            tokens: Self.pair(1, accessExpiry: 0),
            now: { 0 },
            refresh: { try await server.refresh($0) }
        )
        let ended = await #expect(throws: SignInEnded.self) { try await source.accessToken() }
        #expect(ended?.reason.contains("refresh_token: revoked") == true)
        #expect(source.hasEnded)
        server.failure.withLock { $0 = nil }
        await #expect(throws: SignInEnded.self) { try await source.accessToken() }
        #expect(server.sent.withLock { $0 } == ["r1"])
    }

    @Test("a renewal that fails for another reason is thrown as it is, and the next call tries again")
    func transientFailure() async throws {
        let server = Server()
        server.failure.withLock { $0 = RPCError(code: .unavailable, message: "connection refused") }
        let source = RotatingTokenSource(
            tokens: Self.pair(1, accessExpiry: 0),
            now: { 0 },
            refresh: { try await server.refresh($0) }
        )
        let error = await #expect(throws: RPCError.self) { try await source.accessToken() }
        #expect(error?.code == .unavailable)
        #expect(!source.hasEnded)
        server.failure.withLock { $0 = nil }
        #expect(try await source.accessToken() == "a2")
        #expect(server.sent.withLock { $0 } == ["r1", "r1"])
    }

    @Test("a refresh token past its expiry ends the sign-in without a call")
    func expiredRefreshToken() async throws {
        let server = Server()
        let source = RotatingTokenSource(
            tokens: Self.pair(1, accessExpiry: 1_000, refreshExpiry: 2_000),
            now: { 5_000 },
            refresh: { try await server.refresh($0) }
        )
        #expect(source.hasEnded)
        await #expect(throws: SignInEnded.self) { try await source.accessToken() }
        #expect(server.sent.withLock { $0 }.isEmpty)
        #expect(!source.description.contains("r1"))
    }
}

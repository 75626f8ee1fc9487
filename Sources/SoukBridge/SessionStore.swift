import Foundation
package import SoukAPI

/// One browser session: the token pair the bridge holds for it, and its CSRF token.
package struct BridgeSession: Sendable, Hashable {
    /// The current token pair (the refresh token rotates on every refresh).
    package var tokens: Souk_Identity_V1_TokenPair
    /// The token every state-changing request must carry as `X-CSRF-Token`.
    package let csrfToken: String
    /// The signed-in person's email.
    package let email: String
    /// The person's roles, by their protobuf names.
    package let roles: [String]
    /// The last time the session was used.
    package var lastUsed: ContinuousClock.Instant
}

/// The bridge's cookie sessions, in memory: a random 32-byte id (base64url) per sign-in.
///
/// A session ends when it is idle longer than the idle timeout, when its refresh token expires, when the
/// person signs out, or when a refresh fails. Refreshes of one session are serialized so a rotating refresh
/// token is never used twice.
package actor SessionStore {
    private var sessions: [String: BridgeSession] = [:]
    private var refreshing: [String: Task<Souk_Identity_V1_TokenPair, any Error>] = [:]
    private let idleTimeout: Duration

    /// A store whose sessions end after `idleTimeout` unused.
    package init(idleTimeout: Duration) {
        self.idleTimeout = idleTimeout
    }

    /// Starts a session; returns its id.
    package func create(tokens: Souk_Identity_V1_TokenPair, email: String, roles: [String]) -> String {
        let id = Self.randomToken()
        self.sessions[id] = BridgeSession(
            tokens: tokens,
            csrfToken: Self.randomToken(),
            email: email,
            roles: roles,
            lastUsed: .now
        )
        return id
    }

    /// The live session `id`, or nil (an expired one is deleted). Does not count as a use.
    package func session(_ id: String) -> BridgeSession? {
        guard let session = self.sessions[id] else { return nil }
        let now = ContinuousClock.now
        let refreshExpired = session.tokens.refreshExpiresAtUnixMs <= Self.nowUnixMs()
        if now - session.lastUsed > self.idleTimeout || refreshExpired {
            self.sessions[id] = nil
            return nil
        }
        return session
    }

    /// The access token of session `id` for a call, refreshed first with `refresh` when it expires within
    /// `margin`; marks the session used. Nil if the session is gone or its refresh failed (then it is deleted).
    package func accessToken(
        _ id: String,
        margin: Duration,
        refresh: @escaping @Sendable (String) async throws -> Souk_Identity_V1_TokenPair
    ) async -> String? {
        guard var session = self.session(id) else { return nil }
        session.lastUsed = .now
        self.sessions[id] = session
        let marginMs = margin.components.seconds * 1000
        guard session.tokens.accessExpiresAtUnixMs - marginMs <= Self.nowUnixMs() else {
            return session.tokens.accessToken
        }
        let task: Task<Souk_Identity_V1_TokenPair, any Error>
        if let running = self.refreshing[id] {
            task = running
        } else {
            let refreshToken = session.tokens.refreshToken
            task = Task { try await refresh(refreshToken) }
            self.refreshing[id] = task
        }
        do {
            let tokens = try await task.value
            self.refreshing[id] = nil
            guard var current = self.sessions[id] else { return nil }
            current.tokens = tokens
            self.sessions[id] = current
            return tokens.accessToken
        } catch {
            self.refreshing[id] = nil
            self.sessions[id] = nil
            return nil
        }
    }

    /// Ends session `id`; returns it if it existed.
    @discardableResult
    package func remove(_ id: String) -> BridgeSession? {
        self.sessions.removeValue(forKey: id)
    }

    /// 32 random bytes, base64url without padding.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func nowUnixMs() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }
}

import Foundation
package import SoukAPI
package import SoukClient

/// One browser session: the token pair the bridge holds for it, and its CSRF token.
package struct BridgeSession: Sendable {
    /// The session's token pair, renewed by the client library before the access token expires (the refresh
    /// token rotates on every renewal, and renewals of one session are serialized).
    package let tokenSource: RotatingTokenSource
    /// The token every state-changing request must carry as `X-CSRF-Token`.
    package let csrfToken: String
    /// The signed-in person's email.
    package let email: String
    /// The person's roles, by their protobuf names.
    package let roles: [String]
    /// The last time the session was used, as the time since its store began on the store's clock.
    package var lastUsed: Duration
}

/// The bridge's cookie sessions, in memory: a random 32-byte id (base64url) per sign-in.
///
/// A session ends when it is idle longer than the idle timeout, when its refresh token expires, when the
/// person signs out, or when the server refuses a renewal. Each session's tokens are a ``RotatingTokenSource``,
/// the same one soukctl uses, so a rotating refresh token is never used twice.
package actor SessionStore {
    private var sessions: [String: BridgeSession] = [:]
    private let idleTimeout: Duration
    /// The time since the store began, on its clock.
    private let elapsed: @Sendable () -> Duration
    /// Told the number of sessions held whenever it changes (the metrics' live sessions).
    private let onCountChange: @Sendable (Int) -> Void

    /// A store whose sessions end after `idleTimeout` unused, as `clock` measures it (tests pass one that moves
    /// only when told); `onCountChange` hears how many sessions it holds each time that changes.
    package init<C: Clock<Duration>>(
        idleTimeout: Duration,
        clock: C = ContinuousClock(),
        onCountChange: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.idleTimeout = idleTimeout
        let start = clock.now
        self.elapsed = { start.duration(to: clock.now) }
        self.onCountChange = onCountChange
    }

    /// How many sessions the store holds (an idle one counts until it is next looked up).
    package var count: Int { self.sessions.count }

    /// Starts a session whose access token is renewed with `refresh` when it expires within `margin`; returns
    /// its id.
    package func create(
        tokens: Souk_Identity_V1_TokenPair,
        email: String,
        roles: [String],
        margin: Duration,
        refresh: @escaping RotatingTokenSource.Refresh
    ) -> String {
        let id = Self.randomToken()
        self.sessions[id] = BridgeSession(
            tokenSource: RotatingTokenSource(tokens: tokens, margin: margin, refresh: refresh),
            csrfToken: Self.randomToken(),
            email: email,
            roles: roles,
            lastUsed: self.elapsed()
        )
        self.onCountChange(self.sessions.count)
        return id
    }

    /// The live session `id`, or nil (an expired one is deleted). Does not count as a use.
    package func session(_ id: String) -> BridgeSession? {
        guard let session = self.sessions[id] else { return nil }
        if self.elapsed() - session.lastUsed > self.idleTimeout || session.tokenSource.hasEnded {
            self.sessions[id] = nil
            self.onCountChange(self.sessions.count)
            return nil
        }
        return session
    }

    /// The access token of session `id` for a call, renewed first when near expiry; marks the session used.
    ///
    /// - Returns: nil if the session is gone or the server refused its renewal (then it is deleted).
    /// - Throws: the error of a renewal that failed for another reason (the services unreachable, say); the
    ///   session stays and the next call tries again.
    package func accessToken(_ id: String) async throws -> String? {
        guard var session = self.session(id) else { return nil }
        session.lastUsed = self.elapsed()
        self.sessions[id] = session
        do {
            return try await session.tokenSource.accessToken()
        } catch is SignInEnded {
            self.sessions[id] = nil
            self.onCountChange(self.sessions.count)
            return nil
        }
    }

    /// Ends session `id`; returns it if it existed.
    @discardableResult
    package func remove(_ id: String) -> BridgeSession? {
        let removed = self.sessions.removeValue(forKey: id)
        if removed != nil { self.onCountChange(self.sessions.count) }
        return removed
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
}

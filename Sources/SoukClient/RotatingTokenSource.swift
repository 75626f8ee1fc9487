import Foundation
import GRPCCore
public import SoukAPI

/// A sign-in's token pair, renewed with its refresh token before the access token expires.
///
/// The refresh token rotates on every renewal, so renewals are serialized: callers that need a fresh access
/// token at the same time share one renewal, and a refresh token is never sent twice. A renewal the server
/// refuses (`UNAUTHENTICATED` or `INVALID_ARGUMENT`), or a refresh token past its expiry, ends the sign-in:
/// every later call throws ``SignInEnded``. Any other failure (the server unreachable, say) is thrown to the
/// caller and the next call tries again.
///
/// soukctl saves each new pair in its credentials file through `onRotate`; the bridge keeps one source per
/// browser session.
///
/// ```swift
/// let tokens = RotatingTokenSource(tokens: login.tokens) { refreshToken in
///     try await anonymous.identityService.refresh(.with { $0.refreshToken = refreshToken }).tokens
/// }
/// try await SoukConnection.withServices(to: .local(), tokens: tokens) { services in … }
/// ```
public final class RotatingTokenSource: AccessTokenSource, CustomStringConvertible {
    /// Exchanges a refresh token for a new pair (identity's `Refresh`).
    public typealias Refresh = @Sendable (_ refreshToken: String) async throws -> Souk_Identity_V1_TokenPair
    /// Told each new pair once, before any caller uses it (to save it, say).
    public typealias OnRotate = @Sendable (_ tokens: Souk_Identity_V1_TokenPair) async throws -> Void
    /// The wall clock in milliseconds since 1970, the unit of the pair's expiry times.
    public typealias WallClock = @Sendable () -> Int64

    private let renewal: TokenRenewal<Souk_Identity_V1_TokenPair>
    private let margin: Duration
    private let now: WallClock
    private let refresh: Refresh
    private let onRotate: OnRotate

    /// A source starting from `tokens` (from `Login` or a saved pair).
    ///
    /// - Parameters:
    ///   - tokens: The current pair.
    ///   - margin: An access token this close to its expiry is renewed before it is used; 30 seconds by default.
    ///   - now: The wall clock; the system's by default (tests pass their own).
    ///   - onRotate: Told each new pair.
    ///   - refresh: Exchanges the refresh token for a new pair.
    public init(
        tokens: Souk_Identity_V1_TokenPair,
        margin: Duration = .seconds(30),
        now: @escaping WallClock = RotatingTokenSource.systemNowUnixMs,
        onRotate: @escaping OnRotate = { _ in },
        refresh: @escaping Refresh
    ) {
        self.renewal = TokenRenewal(tokens, ending: Self.endingReason)
        self.margin = margin
        self.now = now
        self.refresh = refresh
        self.onRotate = onRotate
    }

    /// The current pair.
    public var tokens: Souk_Identity_V1_TokenPair {
        self.renewal.current ?? Souk_Identity_V1_TokenPair()
    }

    /// Whether the sign-in has ended: refused, or its refresh token expired.
    public var hasEnded: Bool {
        self.renewal.endedReason != nil || self.tokens.refreshExpiresAtUnixMs <= self.now()
    }

    /// The current access token, renewed first when it expires within the margin.
    public func accessToken() async throws -> String {
        try await self.accessToken(renewing: false)
    }

    /// Renews the pair now, whatever its expiry (after a password change, say, so the new tokens carry the
    /// account's new state), and answers the new pair.
    @discardableResult
    public func renew() async throws -> Souk_Identity_V1_TokenPair {
        _ = try await self.accessToken(renewing: true)
        return self.tokens
    }

    private func accessToken(renewing: Bool) async throws -> String {
        let now = self.now()
        let marginMs = self.margin.wholeMilliseconds
        let usable: (Souk_Identity_V1_TokenPair?) -> Bool = { tokens in
            !renewing && (tokens?.accessExpiresAtUnixMs ?? 0) - marginMs > now
        }
        // A pair that must be renewed but whose refresh token has expired can only end.
        if !usable(self.tokens), self.tokens.refreshExpiresAtUnixMs <= now {
            self.renewal.end(SignInEnded(reason: "the refresh token expired"))
        }
        let refresh = self.refresh
        let onRotate = self.onRotate
        let tokens = try await self.renewal.credential(
            isFresh: usable,
            renew: { current in
                let tokens = try await refresh(current?.refreshToken ?? "")
                try await onRotate(tokens)
                return tokens
            }
        )
        return tokens.accessToken
    }

    /// Redacted: tokens never reach a log.
    public var description: String {
        "RotatingTokenSource(session \(self.tokens.sessionID), tokens redacted)"
    }

    /// The system's wall clock in milliseconds since 1970.
    @Sendable public static func systemNowUnixMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Why a failed renewal ends the sign-in, or nil when the next call may try again.
    @Sendable private static func endingReason(_ error: any Error) -> SignInEnded? {
        guard let error = error as? RPCError else { return nil }
        switch error.code {
        case .unauthenticated, .invalidArgument:
            return SignInEnded(reason: "the server refused the refresh token: \(error.message)")
        default:
            return nil
        }
    }
}

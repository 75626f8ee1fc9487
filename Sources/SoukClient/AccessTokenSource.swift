/// Where a connection gets the access token it sends as `authorization: Bearer <token>` on each call.
///
/// ``StaticAccessToken`` sends one token as it is; ``RotatingTokenSource`` renews a sign-in's token pair before
/// its access token expires.
public protocol AccessTokenSource: Sendable {
    /// The access token for the next call.
    ///
    /// - Throws: ``SignInEnded`` when the sign-in can no longer be renewed, or the error of a renewal that
    ///   failed for another reason (the next call tries again).
    func accessToken() async throws -> String
}

/// One access token, sent as it is until it expires.
public struct StaticAccessToken: AccessTokenSource {
    /// The token, e.g. a service account's from the client-credentials grant.
    public let token: String

    /// A source that always answers `token`.
    public init(_ token: String) {
        self.token = token
    }

    public func accessToken() async throws -> String {
        self.token
    }
}

/// A sign-in that can no longer be renewed: its refresh token expired, was revoked or was refused.
///
/// Sign in again; no later call on the same source succeeds. A call through ``SoukConnection`` reports it as an
/// `RPCError` with code `UNAUTHENTICATED` whose `cause` is this error.
public struct SignInEnded: Error, CustomStringConvertible {
    /// Why, e.g. "the refresh token expired".
    public let reason: String

    /// An error naming `reason`.
    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "sign-in ended: \(self.reason)" }
}

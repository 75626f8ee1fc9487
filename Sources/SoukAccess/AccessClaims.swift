package import Foundation
package import JWTKit

/// The claims of a Souk access token (a JWT signed with EdDSA).
package struct AccessClaims: JWTPayload, Equatable {
    /// Who issued it: always ``AccessClaims/issuer``.
    package var iss: IssuerClaim
    /// The account id.
    package var sub: SubjectClaim
    package var iat: IssuedAtClaim
    package var exp: ExpirationClaim
    /// A unique id per token.
    package var jti: IDClaim
    /// The session, for tokens from a login (absent for client-credentials tokens).
    package var sid: String?
    /// Role names.
    package var roles: [String]
    /// Space-separated scopes of a service account.
    package var scope: String?
    /// Present and true while a one-time password must be changed.
    package var pcr: Bool?
    /// The person's preferred currency (ISO 4217) when the token was issued: carts and prices default to it.
    package var cur: String?

    /// The `iss` of every Souk access token.
    package static let issuer = "souk-identity"

    package init(
        subject: String,
        sessionID: String?,
        roles: [String],
        scope: String?,
        mustChangePassword: Bool,
        preferredCurrency: String? = nil,
        issuedAt: Date,
        expiresAt: Date
    ) {
        self.iss = IssuerClaim(value: Self.issuer)
        self.sub = SubjectClaim(value: subject)
        self.iat = IssuedAtClaim(value: issuedAt)
        self.exp = ExpirationClaim(value: expiresAt)
        self.jti = IDClaim(value: UUID().uuidString)
        self.sid = sessionID
        self.roles = roles
        self.scope = scope
        self.pcr = mustChangePassword ? true : nil
        self.cur = preferredCurrency
    }

    /// Checks the claims against the system's date; ``AccessTokenVerifier`` checks them against its own clock
    /// with ``verify(at:)`` instead.
    package func verify(using algorithm: some JWTAlgorithm) async throws {
        try self.verify(at: Date())
    }

    /// Throws `JWTError.claimVerificationFailure` unless the token is unexpired at `now` and from ``issuer``.
    package func verify(at now: Date) throws {
        try self.exp.verifyNotExpired(currentDate: now)
        guard self.iss.value == Self.issuer else {
            throw JWTError.claimVerificationFailure(failedClaim: self.iss, reason: "unknown issuer")
        }
    }
}

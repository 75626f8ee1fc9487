import Crypto
import Foundation
import GRPCCore
import JWTKit
import SoukAPI
import SoukAccess
import SoukDomain
import SoukHost
import SoukIdentity
import TestSupport
import Testing

@Suite("Access tokens and two-factor, end to end")
struct TokenAndTwoFactorTests {
    /// A token signed with a key the server never saw, in the server's own format.
    static func rogueToken(subject: String, kid: String, expiresIn: TimeInterval = 600) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(
            eddsa: EdDSA.PrivateKey(backing: Curve25519.Signing.PrivateKey()),
            kid: JWKIdentifier(string: kid)
        )
        let claims = AccessClaims(
            subject: subject,
            sessionID: nil,
            roles: ["admin"],
            scope: nil,
            mustChangePassword: false,
            issuedAt: Date(),
            expiresAt: Date().addingTimeInterval(expiresIn)
        )
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid))
    }

    static func base64URL(_ text: String) -> String {
        AccessTokenVerifier.base64URL(Array(text.utf8))
    }

    @Test("alg none, tampered, unknown key, wrong kid and garbage tokens are all UNAUTHENTICATED")
    func badTokens() async throws {
        try await IdentityHarness.with { harness in
            let tokens = try await harness.customer(email: "ann@example.com")
            let parts = tokens.accessToken.split(separator: ".").map(String.init)
            let header = String(decoding: Data(base64Encoded: Self.padded(parts[0]))!, as: UTF8.self)
            let kid = try #require(header.split(separator: "\"").drop { $0 != "kid" }.dropFirst(2).first)

            // The claims say admin, the header says none.
            let none = Self.base64URL(#"{"alg":"none","typ":"JWT"}"#) + "." + parts[1] + "."
            // The payload altered (roles → admin), signature kept.
            let payload = String(decoding: Data(base64Encoded: Self.padded(parts[1]))!, as: UTF8.self)
            let altered = payload.replacingOccurrences(of: "\"customer\"", with: "\"admin\"")
            let tampered = parts[0] + "." + Self.base64URL(altered) + "." + parts[2]
            // Properly signed, by a key the server does not know — once under an unknown kid, once under ours.
            let unknownKey = try await Self.rogueToken(subject: "x", kid: "rogue")
            let stolenKid = try await Self.rogueToken(subject: "x", kid: String(kid))
            let cases = [
                ("alg none", none), ("tampered", tampered), ("unknown key", unknownKey),
                ("forged under our kid", stolenKid), ("garbage", "abc.def"),
            ]
            for (name, token) in cases {
                let error = await rpcError {
                    _ = try await harness.identity.getMyAccount(
                        Souk_Identity_V1_GetMyAccountRequest(),
                        metadata: IdentityHarness.bearer(token)
                    )
                }
                #expect(error?.code == .unauthenticated, "\(name): \(String(describing: error))")
            }
            let good = try await harness.identity.getMyAccount(
                Souk_Identity_V1_GetMyAccountRequest(),
                metadata: IdentityHarness.bearer(tokens.accessToken)
            )
            #expect(good.account.email == "ann@example.com")
        }
    }

    @Test("a rotated signing key logs nobody out; the JWKS lists both keys")
    func rotation() async throws {
        try await IdentityHarness.with { harness in
            let admin = try await harness.admin()
            let auth = IdentityHarness.bearer(admin.accessToken)
            let rotated = try await harness.identity.rotateSigningKey(
                Souk_Identity_V1_RotateSigningKeyRequest(),
                metadata: auth
            )
            // Signed by the old key, still valid; a token signed by the new key is accepted at once.
            _ = try await harness.identity.getMyAccount(Souk_Identity_V1_GetMyAccountRequest(), metadata: auth)
            let fresh = try await harness.login(email: "root@souk.example", password: "admin password 2026!").tokens
            #expect(fresh.accessToken.contains(".") && fresh.accessToken != admin.accessToken)
            _ = try await harness.identity.getMyAccount(
                Souk_Identity_V1_GetMyAccountRequest(),
                metadata: IdentityHarness.bearer(fresh.accessToken)
            )
            let jwks = try await harness.identity.getJwks(Souk_Identity_V1_GetJwksRequest()).jwksJson
            #expect(jwks.contains(rotated.keyID))
            #expect(jwks.components(separatedBy: "\"kid\"").count - 1 == 2)
        }
    }

    @Test("an expired token is refused")
    func expiry() async throws {
        // Tokens expire by the host's clock, which moves only when the test says: however slow the machine, the
        // token is good until the test steps past its lifetime, and refused after (although by the system's
        // clock it has minutes left).
        let clock = WallClock.manual()
        let configure: @Sendable (inout HostConfig) -> Void = {
            $0.wallClock = clock
            $0.identity.accessTokenLifetime = .seconds(60)
        }
        try await IdentityHarness.with(configure: configure) { harness in
            let auth = IdentityHarness.bearer(try await harness.customer(email: "ann@example.com").accessToken)
            clock.advance(by: .seconds(59))
            _ = try await harness.identity.getMyAccount(Souk_Identity_V1_GetMyAccountRequest(), metadata: auth)
            clock.advance(by: .seconds(2))
            let expired = await rpcError {
                _ = try await harness.identity.getMyAccount(Souk_Identity_V1_GetMyAccountRequest(), metadata: auth)
            }
            #expect(expired?.code == .unauthenticated)
            #expect(expired?.message.contains("expired") == true)
        }
    }

    @Test("TOTP: enrol, confirm, then login needs a fresh code; replays and used recovery codes are refused")
    func twoFactor() async throws {
        try await IdentityHarness.with { harness in
            let tokens = try await harness.customer(email: "ann@example.com")
            let auth = IdentityHarness.bearer(tokens.accessToken)
            let enrolment = try await harness.identity.beginTotpEnrollment(
                Souk_Identity_V1_BeginTotpEnrollmentRequest(),
                metadata: auth
            )
            #expect(enrolment.otpauthUri.hasPrefix("otpauth://totp/Souk%3Aann@example.com?secret=\(enrolment.secret)"))
            let totp = TOTP(secret: try #require(Base32.decode(enrolment.secret)))
            let now = Int64(Date().timeIntervalSince1970)
            var confirm = Souk_Identity_V1_ConfirmTotpEnrollmentRequest()
            confirm.code = "000000" == totp.code(step: totp.step(at: now)) ? "111111" : "000000"
            let wrong = await rpcError { _ = try await harness.identity.confirmTotpEnrollment(confirm, metadata: auth) }
            #expect(wrong?.code == .invalidArgument)
            confirm.code = totp.code(step: totp.step(at: now))
            let recovery = try await harness.identity.confirmTotpEnrollment(confirm, metadata: auth).recoveryCodes
            #expect(recovery.count == 10)

            let missing = await rpcError {
                _ = try await harness.login(email: "ann@example.com", password: "correct horse battery")
            }
            #expect(missing?.code == .unauthenticated)
            #expect(missing?.message.contains("two-factor code is required") == true)
            // The confirming code's step is used up: the next step's code (accepted for clock drift) signs in once.
            let replayOfConfirm = await rpcError {
                _ = try await harness.login(
                    email: "ann@example.com",
                    password: "correct horse battery",
                    totp: confirm.code
                )
            }
            #expect(replayOfConfirm?.code == .unauthenticated)
            let next = totp.code(step: totp.step(at: now) + 1)
            _ = try await harness.login(email: "ann@example.com", password: "correct horse battery", totp: next)
            let replay = await rpcError {
                _ = try await harness.login(email: "ann@example.com", password: "correct horse battery", totp: next)
            }
            #expect(replay?.message.contains("already used") == true)

            _ = try await harness.login(
                email: "ann@example.com",
                password: "correct horse battery",
                recovery: recovery[0]
            )
            let usedRecovery = await rpcError {
                _ = try await harness.login(
                    email: "ann@example.com",
                    password: "correct horse battery",
                    recovery: recovery[0]
                )
            }
            #expect(usedRecovery?.code == .unauthenticated)

            // Disabling needs a fresh code: the one just used is refused.
            var disable = Souk_Identity_V1_DisableTotpRequest()
            disable.code = next
            let stale = await rpcError { _ = try await harness.identity.disableTotp(disable, metadata: auth) }
            #expect(stale?.code == .invalidArgument)
        }
    }

    @Test("a service account gets scoped tokens by the client-credentials grant")
    func clientCredentials() async throws {
        try await IdentityHarness.with { harness in
            let admin = try await harness.admin()
            var create = Souk_Identity_V1_CreateServiceAccountRequest()
            create.name = "analytics-worker"
            create.scopes = ["accounts.read"]
            let service = try await harness.identity.createServiceAccount(
                create,
                metadata: IdentityHarness.bearer(admin.accessToken)
            )
            var grant = Souk_Identity_V1_ClientCredentialsRequest()
            grant.clientID = service.clientID
            grant.clientSecret = service.clientSecret
            let token = try await harness.identity.clientCredentials(grant)
            #expect(token.scopes == ["accounts.read"])
            let listed = try await harness.identity.listAccounts(
                Souk_Identity_V1_ListAccountsRequest(),
                metadata: IdentityHarness.bearer(token.accessToken)
            )
            #expect(listed.accounts.contains { $0.email == "root@souk.example" })
            let denied = await rpcError {
                _ = try await harness.identity.listAuditEvents(
                    Souk_Identity_V1_ListAuditEventsRequest(),
                    metadata: IdentityHarness.bearer(token.accessToken)
                )
            }
            #expect(denied?.code == .permissionDenied)
            grant.scopes = ["audit.read"]
            let overreach = await rpcError { _ = try await harness.identity.clientCredentials(grant) }
            #expect(overreach?.code == .permissionDenied)
            grant.clientSecret = "wrong"
            grant.scopes = []
            let badSecret = await rpcError { _ = try await harness.identity.clientCredentials(grant) }
            #expect(badSecret?.code == .unauthenticated)
        }
    }

    static func padded(_ base64URL: String) -> String {
        var text = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        return text
    }
}

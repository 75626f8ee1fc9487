import Foundation
import GRPCCore
import SoukAPI
import SoukHost
import SoukIdentity
import TestSupport
import Testing

@Suite("Sign-in with an external OpenID Connect provider (authorization code with PKCE)")
struct ExternalSignInTests {
    @Test("a verified email links to the existing account; the state works once; an unverified email is refused")
    func linkByVerifiedEmail() async throws {
        try await LocalOIDCProvider.with { provider in
            let external = ExternalProviderConfig(
                issuer: provider.issuer,
                clientID: provider.clientID,
                clientSecret: provider.clientSecret,
                redirectURI: provider.redirectURI
            )
            let withProvider: @Sendable (inout HostConfig) -> Void = { $0.identity.externalProvider = external }
            try await IdentityHarness.with(configure: withProvider) { harness in
                let existing = try await harness.customer(email: "ann@example.com")
                let ann = LocalOIDCProvider.User(
                    subject: "provider-user-1",
                    email: "Ann@Example.com",
                    emailVerified: true
                )

                let begun = try await harness.identity.beginExternalSignIn(
                    Souk_Identity_V1_BeginExternalSignInRequest()
                )
                #expect(begun.authorizationURL.hasPrefix("\(provider.issuer)/authorize?"))
                let (code, state) = try provider.authorize(begun.authorizationURL, as: ann)
                #expect(state == begun.state)
                var complete = Souk_Identity_V1_CompleteExternalSignInRequest()
                complete.state = state
                complete.code = code
                let signedIn = try await harness.identity.completeExternalSignIn(complete)
                #expect(signedIn.account.email == "ann@example.com", "linked to the account with that email")
                let mine = try await harness.identity.getMyAccount(
                    Souk_Identity_V1_GetMyAccountRequest(),
                    metadata: IdentityHarness.bearer(existing.accessToken)
                )
                #expect(signedIn.account.id == mine.account.id)

                let replayed = await rpcError { _ = try await harness.identity.completeExternalSignIn(complete) }
                #expect(replayed?.code == .unauthenticated, "a state is good for one sign-in")

                // A wrong PKCE verifier cannot happen through the service, but a wrong code can.
                let second = try await harness.identity.beginExternalSignIn(
                    Souk_Identity_V1_BeginExternalSignInRequest()
                )
                complete.state = second.state
                complete.code = "made-up"
                let forged = await rpcError { _ = try await harness.identity.completeExternalSignIn(complete) }
                #expect(forged?.code == .unauthenticated)

                let third = try await harness.identity.beginExternalSignIn(
                    Souk_Identity_V1_BeginExternalSignInRequest()
                )
                let mallory = LocalOIDCProvider.User(
                    subject: "provider-user-2",
                    email: "ann@example.com",
                    emailVerified: false
                )
                let (code3, state3) = try provider.authorize(third.authorizationURL, as: mallory)
                complete.state = state3
                complete.code = code3
                let unverified = await rpcError { _ = try await harness.identity.completeExternalSignIn(complete) }
                #expect(unverified?.code == .permissionDenied)
            }
        }
    }

    @Test("without a configured provider the calls say so")
    func notConfigured() async throws {
        try await IdentityHarness.with { harness in
            let error = await rpcError {
                _ = try await harness.identity.beginExternalSignIn(Souk_Identity_V1_BeginExternalSignInRequest())
            }
            #expect(error?.code == .failedPrecondition)
        }
    }
}

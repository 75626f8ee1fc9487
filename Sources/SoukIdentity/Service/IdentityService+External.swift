import Foundation
package import GRPCCore
import JWTKit
package import SoukAPI
import SoukAccess
import SoukDomain

extension IdentityService {
    package func beginExternalSignIn(
        request: Souk_Identity_V1_BeginExternalSignInRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_BeginExternalSignInResponse {
        let provider = try self.requireExternalProvider()
        let state = Secrets.token()
        let verifier = Secrets.token(bytes: 48)
        let nonce = Secrets.token(bytes: 16)
        try await self.store.insertExternalSignIn(
            stateHash: Secrets.hash(state),
            verifierSealed: try self.ring.seal(verifier, context: "external-sign-in"),
            nonce: nonce,
            expiresAt: self.wallClock.now.addingTimeInterval(600)
        )
        var response = Souk_Identity_V1_BeginExternalSignInResponse()
        response.state = state
        response.authorizationURL = try await provider.authorizationURL(
            state: state,
            codeChallenge: OpenIDProvider.codeChallenge(verifier),
            nonce: nonce
        )
        return response
    }

    package func completeExternalSignIn(
        request: Souk_Identity_V1_CompleteExternalSignInRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_LoginResponse {
        let provider = try self.requireExternalProvider()
        let address = Self.clientAddress(context)
        guard !request.code.isEmpty, request.code.utf8.count <= 2048 else {
            throw IdentityError.invalidArgument("code: required, at most 2048 bytes")
        }
        guard let pending = try await self.store.takeExternalSignIn(stateHash: Secrets.hash(request.state)) else {
            throw IdentityError.unauthenticated("this sign-in expired or was already completed; start again")
        }
        let verifier = try self.ring.open(pending.verifierSealed, context: "external-sign-in")
        let claims = try await provider.signIn(code: request.code, codeVerifier: verifier, nonce: pending.nonce)
        guard let rawEmail = claims.email, claims.emailVerified == true else {
            throw IdentityError.permissionDenied(
                "the provider did not vouch for an email address; sign in with a password"
            )
        }
        let email = try ProfileValidation.email(rawEmail)
        let issuer = provider.config.issuer
        let account = try await self.externalAccount(
            issuer: issuer,
            subject: claims.sub.value,
            email: email,
            address: address
        )
        guard !account.disabled else {
            throw IdentityError.permissionDenied("this account is disabled; ask an administrator")
        }
        if account.totpEnabled {
            var login = Souk_Identity_V1_LoginRequest()
            login.totpCode = request.totpCode
            try await self.checkSecondFactor(
                login,
                account: account,
                keys: ["email:\(AccountRecord.emailKeys(email, ring: self.ring)[0])"],
                address: address
            )
        }
        let tokens = try await self.openSession(for: account, address: address)
        await self.audit(
            "login.ok",
            account: account.id,
            actor: account.id,
            address: address,
            detail: "external: \(issuer)"
        )
        var response = Souk_Identity_V1_LoginResponse()
        response.tokens = tokens
        response.account = try self.message(for: account)
        return response
    }

    /// The account an external identity signs in to: the one linked before, else the one with the verified
    /// email (linked now), else a new customer account without a password.
    private func externalAccount(
        issuer: String,
        subject: String,
        email: String,
        address: String
    ) async throws -> AccountRecord {
        if let id = try await self.store.linkedAccount(issuer: issuer, subject: subject),
            let account = try await self.store.account(id: id)
        {
            return account
        }
        if let account = try await self.store.account(email: email) {
            guard !account.roleNames.contains(.service) else {
                throw IdentityError.permissionDenied("service accounts cannot sign in with a provider")
            }
            try await self.store.link(issuer: issuer, subject: subject, accountID: account.id)
            await self.audit(
                "external.linked",
                account: account.id,
                actor: account.id,
                address: address,
                detail: issuer
            )
            return account
        }
        let account = try self.newAccount(email: email, roles: [.customer], profile: Souk_Identity_V1_Profile())
        try await self.store.insert(account)
        try await self.store.link(issuer: issuer, subject: subject, accountID: account.id)
        await self.audit(
            "account.created",
            account: account.id,
            actor: account.id,
            address: address,
            detail: "external: \(issuer)"
        )
        return account
    }

    private func requireExternalProvider() throws -> OpenIDProvider {
        guard let provider = self.externalProvider else {
            throw IdentityError.failedPrecondition("no external sign-in provider is configured on this server")
        }
        return provider
    }
}

import Foundation
package import GRPCCore
package import SoukAPI
import SoukAccess
import SoukDomain

extension IdentityService {
    package func beginTotpEnrollment(
        request: Souk_Identity_V1_BeginTotpEnrollmentRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_BeginTotpEnrollmentResponse {
        let (caller, account) = try await self.callerAccount()
        _ = try await self.requireLiveSession(caller)
        guard !account.totpEnabled else {
            throw IdentityError.failedPrecondition("two-factor is already on; disable it first to enrol again")
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let sealed = try self.ring.seal(Base32.encode(secret), context: "account/\(account.id)/totp")
        try await self.store.setPendingTotp(id: account.id, sealed: sealed)
        let totp = TOTP(secret: secret)
        var response = Souk_Identity_V1_BeginTotpEnrollmentResponse()
        response.secret = Base32.encode(secret)
        response.otpauthUri = totp.provisioningURI(account: account.email, issuer: self.config.totpIssuer)
        return response
    }

    package func confirmTotpEnrollment(
        request: Souk_Identity_V1_ConfirmTotpEnrollmentRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_ConfirmTotpEnrollmentResponse {
        let (caller, account) = try await self.callerAccount()
        _ = try await self.requireLiveSession(caller)
        guard !account.totpEnabled else { throw IdentityError.failedPrecondition("two-factor is already on") }
        guard let totp = try self.totp(of: account) else {
            throw IdentityError.failedPrecondition("no enrolment in progress; call BeginTotpEnrollment first")
        }
        guard let step = totp.matchingStep(of: request.code, at: Int64(self.wallClock.now.timeIntervalSince1970)) else {
            throw IdentityError.invalidArgument("code: does not match; check the authenticator's clock")
        }
        let codes = (0..<10).map { _ in Secrets.recoveryCode() }
        try await self.store.enableTotp(id: account.id, step: step, recoveryHashes: codes.map(Secrets.hash))
        await self.audit("totp.enabled", account: account.id, actor: account.id, address: caller.clientAddress)
        var response = Souk_Identity_V1_ConfirmTotpEnrollmentResponse()
        response.recoveryCodes = codes
        return response
    }

    package func disableTotp(
        request: Souk_Identity_V1_DisableTotpRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_DisableTotpResponse {
        let (caller, account) = try await self.callerAccount()
        _ = try await self.requireLiveSession(caller)
        guard account.totpEnabled, let totp = try self.totp(of: account) else {
            throw IdentityError.failedPrecondition("two-factor is not on")
        }
        // A fresh code: one that matches and was not used before.
        guard let step = totp.matchingStep(of: request.code, at: Int64(self.wallClock.now.timeIntervalSince1970)),
            try await self.store.claimTotpStep(id: account.id, step: step)
        else {
            await self.audit(
                "totp.disable_failed",
                account: account.id,
                actor: account.id,
                address: caller.clientAddress
            )
            throw IdentityError.invalidArgument("code: wrong or already used; wait for the next code")
        }
        try await self.store.disableTotp(id: account.id)
        await self.audit("totp.disabled", account: account.id, actor: account.id, address: caller.clientAddress)
        return Souk_Identity_V1_DisableTotpResponse()
    }

    /// The second factor of a login whose password was right: a fresh TOTP code or an unused recovery code.
    func checkSecondFactor(
        _ request: Souk_Identity_V1_LoginRequest,
        account: AccountRecord,
        keys: [String],
        address: String
    ) async throws {
        if !request.totpCode.isEmpty {
            guard let totp = try self.totp(of: account),
                let step = totp.matchingStep(of: request.totpCode, at: Int64(self.wallClock.now.timeIntervalSince1970))
            else {
                try await self.store.recordFailure(keys: keys)
                await self.audit(
                    "login.failed",
                    account: account.id,
                    actor: account.id,
                    address: address,
                    detail: "wrong two-factor code"
                )
                throw IdentityError.unauthenticated("the two-factor code is wrong")
            }
            guard try await self.store.claimTotpStep(id: account.id, step: step) else {
                await self.audit(
                    "login.failed",
                    account: account.id,
                    actor: account.id,
                    address: address,
                    detail: "two-factor code replayed"
                )
                throw IdentityError.unauthenticated("this two-factor code was already used; wait for the next one")
            }
            return
        }
        if !request.recoveryCode.isEmpty {
            let code = request.recoveryCode.trimmingCharacters(in: .whitespaces).lowercased()
            guard try await self.store.useRecoveryCode(id: account.id, hash: Secrets.hash(code)) else {
                try await self.store.recordFailure(keys: keys)
                await self.audit(
                    "login.failed",
                    account: account.id,
                    actor: account.id,
                    address: address,
                    detail: "wrong recovery code"
                )
                throw IdentityError.unauthenticated("the recovery code is wrong or was used")
            }
            await self.audit("totp.recovery_code_used", account: account.id, actor: account.id, address: address)
            return
        }
        throw IdentityError.unauthenticated("a two-factor code is required (totp_code or recovery_code)")
    }

    /// The account's TOTP generator, from its sealed secret.
    func totp(of account: AccountRecord) throws -> TOTP? {
        guard let sealed = account.totpSecretSealed else { return nil }
        let encoded = try self.ring.open(sealed, context: "account/\(account.id)/totp")
        guard let secret = Base32.decode(encoded) else { throw IdentityError(.dataLoss, "a TOTP secret is malformed") }
        return TOTP(secret: secret)
    }
}

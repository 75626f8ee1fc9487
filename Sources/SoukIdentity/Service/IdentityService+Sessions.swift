import Foundation
package import GRPCCore
package import SoukAPI
import SoukAccess
import SoukDomain

extension IdentityService {
    package func login(
        request: Souk_Identity_V1_LoginRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_LoginResponse {
        let address = Self.clientAddress(context)
        let email = try ProfileValidation.email(request.email)
        let throttleKeys = ["email:\(AccountRecord.emailKeys(email, ring: self.ring)[0])", "address:\(address)"]
        try await self.checkThrottle(keys: throttleKeys)

        // The same work and the same answer whether or not the email exists.
        guard let account = try await self.store.account(email: email), let stored = account.passwordHash else {
            try await self.hasher.burnEquivalentTime(request.password)
            try await self.failLogin(keys: throttleKeys, account: nil, address: address, reason: "unknown email")
        }
        let verdict = try await self.hasher.verify(request.password, against: stored)
        guard verdict != .mismatch else {
            try await self.failLogin(
                keys: throttleKeys,
                account: account.id,
                address: address,
                reason: "wrong password"
            )
        }
        guard !account.disabled else {
            await self.audit(
                "login.failed",
                account: account.id,
                actor: account.id,
                address: address,
                detail: "disabled"
            )
            throw IdentityError.permissionDenied("this account is disabled; ask an administrator")
        }
        if account.totpEnabled {
            try await self.checkSecondFactor(request, account: account, keys: throttleKeys, address: address)
        }
        if verdict == .needsRehash {
            try await self.store.setPassword(
                id: account.id,
                hash: try await self.hasher.hash(request.password),
                mustChange: account.passwordChangeRequired
            )
        }
        try await self.store.clearFailures(key: throttleKeys[0])
        let tokens = try await self.openSession(for: account, address: address)
        await self.audit(
            "login.ok",
            account: account.id,
            actor: account.id,
            address: address,
            detail: account.totpEnabled ? "with two-factor" : ""
        )
        var response = Souk_Identity_V1_LoginResponse()
        response.tokens = tokens
        response.account = try self.message(for: account)
        return response
    }

    package func refresh(
        request: Souk_Identity_V1_RefreshRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_RefreshResponse {
        guard !request.refreshToken.isEmpty, request.refreshToken.utf8.count <= 128 else {
            throw IdentityError.invalidArgument("refresh_token: required, at most 128 characters")
        }
        let newToken = Secrets.token()
        let expires = self.wallClock.now.addingTimeInterval(self.config.refreshTokenLifetime.seconds)
        let outcome = try await self.store.rotate(
            refreshHash: Secrets.hash(request.refreshToken),
            newHash: Secrets.hash(newToken),
            expiresAt: expires
        )
        switch outcome {
        case .invalid:
            throw IdentityError.unauthenticated("the refresh token is not valid; sign in again")
        case .reused(let session, let accountID):
            await self.audit(
                "session.revoked",
                account: accountID,
                actor: nil,
                address: Self.clientAddress(context),
                detail: "refresh token reused: session \(session.uuidString.lowercased())"
            )
            throw IdentityError.unauthenticated(
                "the refresh token was already used; the session is ended, sign in again"
            )
        case .rotated(let session, let accountID):
            guard let account = try await self.store.account(id: accountID), !account.disabled else {
                _ = try await self.store.revokeSession(id: session, accountID: accountID, reason: "account disabled")
                throw IdentityError.unauthenticated("the account is disabled")
            }
            var response = Souk_Identity_V1_RefreshResponse()
            response.tokens = try await self.tokens(
                for: account,
                session: session,
                refreshToken: newToken,
                refreshExpires: expires
            )
            return response
        }
    }

    package func logout(
        request: Souk_Identity_V1_LogoutRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_LogoutResponse {
        let (caller, id) = try self.requireCaller()
        if let text = caller.sessionID, let session = UUID(uuidString: text) {
            _ = try await self.store.revokeSession(id: session, accountID: id, reason: "logout")
            await self.audit("logout", account: id, actor: id, address: caller.clientAddress)
        }
        return Souk_Identity_V1_LogoutResponse()
    }

    package func listMySessions(
        request: Souk_Identity_V1_ListMySessionsRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_ListMySessionsResponse {
        let (caller, id) = try self.requireCaller()
        var response = Souk_Identity_V1_ListMySessionsResponse()
        response.sessions = try await self.store.liveSessions(accountID: id).map { record in
            var session = Souk_Identity_V1_Session()
            session.id = record.id.uuidString.lowercased()
            session.createdAtUnixMs = Int64(record.createdAt.timeIntervalSince1970 * 1000)
            session.lastUsedAtUnixMs = Int64(record.lastUsedAt.timeIntervalSince1970 * 1000)
            session.clientAddress = record.clientAddress
            session.current = caller.sessionID.flatMap(UUID.init(uuidString:)) == record.id
            return session
        }
        return response
    }

    package func revokeMySession(
        request: Souk_Identity_V1_RevokeMySessionRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_RevokeMySessionResponse {
        let (caller, id) = try self.requireCaller()
        guard let session = UUID(uuidString: request.sessionID) else {
            throw IdentityError.invalidArgument("session_id: '\(request.sessionID.prefix(40))' is not a session id")
        }
        // Only the caller's own sessions: another account's session id is simply not found.
        guard try await self.store.revokeSession(id: session, accountID: id, reason: "revoked by owner") else {
            throw IdentityError.notFound("session_id: no live session \(request.sessionID) of yours")
        }
        await self.audit("session.revoked", account: id, actor: id, address: caller.clientAddress, detail: "by owner")
        return Souk_Identity_V1_RevokeMySessionResponse()
    }

    package func changePassword(
        request: Souk_Identity_V1_ChangePasswordRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_ChangePasswordResponse {
        let (caller, account) = try await self.callerAccount()
        let session = try await self.requireLiveSession(caller)
        guard let stored = account.passwordHash,
            try await self.hasher.verify(request.currentPassword, against: stored) != .mismatch
        else {
            await self.audit(
                "password.change_failed",
                account: account.id,
                actor: account.id,
                address: caller.clientAddress
            )
            throw IdentityError.invalidArgument("current_password: is wrong")
        }
        try PasswordPolicy.check(request.newPassword, email: account.email)
        guard request.newPassword != request.currentPassword else {
            throw IdentityError.invalidArgument("new_password: must differ from the current one")
        }
        try await self.store.setPassword(
            id: account.id,
            hash: try await self.hasher.hash(request.newPassword),
            mustChange: false
        )
        try await self.store.revokeSessions(accountID: account.id, except: session, reason: "password changed")
        await self.audit("password.changed", account: account.id, actor: account.id, address: caller.clientAddress)
        return Souk_Identity_V1_ChangePasswordResponse()
    }

    // MARK: Helpers

    /// A new session for `account` and its first token pair.
    func openSession(for account: AccountRecord, address: String) async throws -> Souk_Identity_V1_TokenPair {
        let session = UUID()
        let refresh = Secrets.token()
        let expires = self.wallClock.now.addingTimeInterval(self.config.refreshTokenLifetime.seconds)
        try await self.store.createSession(
            id: session,
            accountID: account.id,
            refreshHash: Secrets.hash(refresh),
            expiresAt: expires,
            clientAddress: address
        )
        return try await self.tokens(for: account, session: session, refreshToken: refresh, refreshExpires: expires)
    }

    func tokens(
        for account: AccountRecord,
        session: UUID,
        refreshToken: String,
        refreshExpires: Date
    ) async throws -> Souk_Identity_V1_TokenPair {
        let now = self.wallClock.now
        let expires = now.addingTimeInterval(self.config.accessTokenLifetime.seconds)
        let claims = AccessClaims(
            subject: account.id.uuidString.lowercased(),
            sessionID: session.uuidString.lowercased(),
            roles: account.roleNames.sorted().map(\.rawValue),
            scope: nil,
            mustChangePassword: account.passwordChangeRequired,
            preferredCurrency: account.preferredCurrency,
            issuedAt: now,
            expiresAt: expires
        )
        var pair = Souk_Identity_V1_TokenPair()
        pair.accessToken = try await self.signingKeys.sign(claims)
        pair.accessExpiresAtUnixMs = Int64(expires.timeIntervalSince1970 * 1000)
        pair.refreshToken = refreshToken
        pair.refreshExpiresAtUnixMs = Int64(refreshExpires.timeIntervalSince1970 * 1000)
        pair.sessionID = session.uuidString.lowercased()
        return pair
    }

    /// Refuses the attempt when the account or the address has failed too often lately (counted in PostgreSQL,
    /// so every replica sees the same count).
    func checkThrottle(keys: [String]) async throws {
        let since = self.wallClock.now.addingTimeInterval(-self.config.throttleWindow.seconds)
        let limits = [self.config.maxFailuresPerAccount, self.config.maxFailuresPerAddress]
        for (key, limit) in zip(keys, limits) where try await self.store.failures(key: key, since: since) >= limit {
            throw IdentityError.resourceExhausted(
                "too many failed sign-ins; try again in \(Int(self.config.throttleWindow.seconds / 60)) minutes"
            )
        }
    }

    /// Records a failed attempt and throws the one message every failure gets.
    func failLogin(keys: [String], account: UUID?, address: String, reason: String) async throws -> Never {
        try await self.store.recordFailure(keys: keys)
        await self.audit("login.failed", account: account, actor: account, address: address, detail: reason)
        throw IdentityError.loginFailed
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}

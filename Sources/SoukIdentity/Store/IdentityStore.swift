import Foundation
import Logging
import PostgresNIO
import SoukAccess
import SoukDomain
import SoukStorage

/// The identity schema's queries. Every multi-row change runs in one transaction.
struct IdentityStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// Seals emails and makes their blind index.
    let ring: DataKeyRing
    /// What session expiry, pending external sign-ins and failed-attempt windows are compared with (stamps such as
    /// `created_at` and `revoked_at` stay the database's: the verifier reads revocations by the database's clock).
    let wallClock: WallClock

    /// The sealed email and its current blind index, for an insert or an update.
    private func sealedEmail(_ email: String, id: UUID) throws -> (sealed: String, key: String) {
        (
            try self.ring.seal(email, context: AccountRecord.emailContext(id)),
            AccountRecord.emailKeys(email, ring: self.ring)[0]
        )
    }

    // MARK: Accounts

    /// Inserts an account; ALREADY_EXISTS when the email is taken (case-insensitively).
    func insert(_ account: AccountRecord) async throws {
        let email = try self.sealedEmail(account.email, id: account.id)
        do {
            // Another account with this email under an older key's index: the unique index cannot see it (with one
            // key, it can, and this lookup is skipped).
            if self.ring.keys.count > 1, try await self.account(email: account.email) != nil {
                throw IdentityError.alreadyExists("email: an account with this email already exists")
            }
            try await self.client.query(
                """
                INSERT INTO identity.accounts (id, email_sealed, email_key, password_hash, display_name, phone_sealed,
                    addresses_sealed, preferred_currency, locale, roles, disabled, password_change_required)
                VALUES (\(account.id), \(email.sealed), \(email.key), \(account.passwordHash),
                    \(account.displayName), \(account.phoneSealed), \(account.addressesSealed),
                    \(account.preferredCurrency), \(account.locale), \(account.roles), \(account.disabled),
                    \(account.passwordChangeRequired))
                """,
                logger: self.logger
            )
        } catch let error where SQLState(of: error) == .uniqueViolation {
            throw IdentityError.alreadyExists("email: an account with this email already exists")
        }
    }

    func account(id: UUID) async throws -> AccountRecord? {
        try await self.accounts("SELECT \(unescaped: AccountRecord.columns) FROM identity.accounts WHERE id = \(id)")
            .first
    }

    func account(email: String) async throws -> AccountRecord? {
        try await self.accounts(
            """
            SELECT \(unescaped: AccountRecord.columns) FROM identity.accounts
            WHERE email_key = ANY(\(AccountRecord.emailKeys(email, ring: self.ring)))
            """
        ).first
    }

    /// A page of accounts ordered by id, after `after`, optionally only those holding `role`.
    func accounts(role: String?, after: UUID?, limit: Int) async throws -> [AccountRecord] {
        try await self.accounts(
            """
            SELECT \(unescaped: AccountRecord.columns) FROM identity.accounts
            WHERE (\(role)::text IS NULL OR \(role) = ANY(roles)) AND (\(after)::uuid IS NULL OR id > \(after))
            ORDER BY id LIMIT \(limit)
            """
        )
    }

    /// Whether any account holds the admin role.
    func hasAdmin() async throws -> Bool {
        let rows = try await self.client.query(
            "SELECT 1 FROM identity.accounts WHERE 'admin' = ANY(roles) LIMIT 1",
            logger: self.logger
        )
        for try await _ in rows { return true }
        return false
    }

    func updateProfile(
        id: UUID,
        displayName: String,
        phoneSealed: String?,
        addressesSealed: String?,
        currency: String,
        locale: String
    ) async throws {
        try await self.client.query(
            """
            UPDATE identity.accounts SET display_name = \(displayName), phone_sealed = \(phoneSealed),
                addresses_sealed = \(addressesSealed), preferred_currency = \(currency), locale = \(locale)
            WHERE id = \(id)
            """,
            logger: self.logger
        )
    }

    func setPassword(id: UUID, hash: String, mustChange: Bool) async throws {
        try await self.client.query(
            "UPDATE identity.accounts SET password_hash = \(hash), password_change_required = \(mustChange) WHERE id = \(id)",
            logger: self.logger
        )
    }

    func setDisabled(id: UUID, disabled: Bool) async throws {
        try await self.client.query(
            "UPDATE identity.accounts SET disabled = \(disabled) WHERE id = \(id)",
            logger: self.logger
        )
        if disabled {
            try await self.client.query(
                "UPDATE identity.sessions SET revoked_at = now(), revoked_reason = 'account disabled' WHERE account_id = \(id) AND revoked_at IS NULL",
                logger: self.logger
            )
        }
    }

    func setRoles(id: UUID, roles: [String]) async throws {
        try await self.client.query(
            "UPDATE identity.accounts SET roles = \(roles) WHERE id = \(id)",
            logger: self.logger
        )
    }

    /// Every account with a sealed field, for re-encryption under a new key.
    func sealedFields() async throws -> [(UUID, String?, String?, String?)] {
        let rows = try await self.client.query(
            "SELECT id, phone_sealed, addresses_sealed, totp_secret_sealed FROM identity.accounts",
            logger: self.logger
        )
        var result: [(UUID, String?, String?, String?)] = []
        for try await row in rows.decode((UUID, String?, String?, String?).self) { result.append(row) }
        return result
    }

    func replaceSealed(id: UUID, phone: String?, addresses: String?, totp: String?) async throws {
        try await self.client.query(
            """
            UPDATE identity.accounts SET phone_sealed = \(phone), addresses_sealed = \(addresses),
                totp_secret_sealed = \(totp) WHERE id = \(id)
            """,
            logger: self.logger
        )
    }

    /// Seals every email not sealed under the ring's current key (rows from before emails were sealed, or
    /// sealed under an older key) and recomputes its blind index; returns how many changed.
    func sealEmails() async throws -> Int {
        // Only rows not sealed under the current key come back, so a start with nothing to do reads no email.
        // Key ids may hold `_`, a LIKE wildcard: escape it.
        let current = "v1.\(self.ring.keys[0].id.replacingOccurrences(of: "_", with: "\\_")).%"
        let rows = try await self.client.query(
            """
            SELECT id, COALESCE(email_sealed, 'plain:' || email) FROM identity.accounts
            WHERE email_sealed IS NULL OR email_sealed NOT LIKE \(current)
            """,
            logger: self.logger
        )
        var stale: [(UUID, String)] = []
        for try await (id, stored) in rows.decode((UUID, String).self) {
            stale.append((id, try self.openEmail(stored, id: id)))
        }
        for (id, email) in stale {
            let sealed = try self.sealedEmail(email, id: id)
            try await self.client.query(
                """
                UPDATE identity.accounts SET email_sealed = \(sealed.sealed), email_key = \(sealed.key), email = NULL
                WHERE id = \(id)
                """,
                logger: self.logger
            )
        }
        return stale.count
    }

    /// The email of a row: its sealed value opened, or the plain value of a row not sealed yet.
    private func openEmail(_ stored: String, id: UUID) throws -> String {
        if stored.hasPrefix("plain:") { return String(stored.dropFirst("plain:".count)) }
        return try self.ring.open(stored, context: AccountRecord.emailContext(id))
    }

    // MARK: Two-factor

    func setPendingTotp(id: UUID, sealed: String) async throws {
        try await self.client.query(
            "UPDATE identity.accounts SET totp_secret_sealed = \(sealed) WHERE id = \(id) AND NOT totp_enabled",
            logger: self.logger
        )
    }

    /// Turns two-factor on with the step of the confirming code and stores the recovery codes' hashes.
    func enableTotp(id: UUID, step: Int64, recoveryHashes: [String]) async throws {
        try await self.client.withTransaction(logger: self.logger) { connection in
            try await connection.query(
                "UPDATE identity.accounts SET totp_enabled = true, totp_last_step = \(step) WHERE id = \(id)",
                logger: self.logger
            )
            try await connection.query(
                "DELETE FROM identity.recovery_codes WHERE account_id = \(id)",
                logger: self.logger
            )
            for hash in recoveryHashes {
                try await connection.query(
                    "INSERT INTO identity.recovery_codes (account_id, code_hash) VALUES (\(id), \(hash))",
                    logger: self.logger
                )
            }
        }
    }

    func disableTotp(id: UUID) async throws {
        try await self.client.withTransaction(logger: self.logger) { connection in
            try await connection.query(
                """
                UPDATE identity.accounts SET totp_enabled = false, totp_secret_sealed = NULL, totp_last_step = 0
                WHERE id = \(id)
                """,
                logger: self.logger
            )
            try await connection.query(
                "DELETE FROM identity.recovery_codes WHERE account_id = \(id)",
                logger: self.logger
            )
        }
    }

    /// Records `step` as used if it is later than the last used one; false means a replayed code.
    func claimTotpStep(id: UUID, step: Int64) async throws -> Bool {
        let rows = try await self.client.query(
            "UPDATE identity.accounts SET totp_last_step = \(step) WHERE id = \(id) AND totp_last_step < \(step) RETURNING id",
            logger: self.logger
        )
        for try await _ in rows { return true }
        return false
    }

    /// Marks an unused recovery code used; false when there is no such unused code.
    func useRecoveryCode(id: UUID, hash: String) async throws -> Bool {
        let rows = try await self.client.query(
            """
            UPDATE identity.recovery_codes SET used_at = now()
            WHERE account_id = \(id) AND code_hash = \(hash) AND used_at IS NULL RETURNING account_id
            """,
            logger: self.logger
        )
        for try await _ in rows { return true }
        return false
    }

    // MARK: Sessions

    func createSession(
        id: UUID,
        accountID: UUID,
        refreshHash: String,
        expiresAt: Date,
        clientAddress: String
    ) async throws {
        try await self.client.query(
            """
            INSERT INTO identity.sessions (id, account_id, refresh_hash, expires_at, client_address)
            VALUES (\(id), \(accountID), \(refreshHash), \(expiresAt), \(clientAddress))
            """,
            logger: self.logger
        )
    }

    /// Replaces a presented refresh token by a new one, or revokes its session when it was already used.
    func rotate(refreshHash: String, newHash: String, expiresAt: Date) async throws -> RefreshOutcome {
        try await self.client.withTransaction(logger: self.logger) { connection in
            let live = try await connection.query(
                """
                SELECT id, account_id FROM identity.sessions
                WHERE refresh_hash = \(refreshHash) AND revoked_at IS NULL AND expires_at > \(self.wallClock.now) FOR UPDATE
                """,
                logger: self.logger
            )
            for try await (sessionID, accountID) in live.decode((UUID, UUID).self) {
                try await connection.query(
                    "INSERT INTO identity.used_refresh_tokens (token_hash, session_id) VALUES (\(refreshHash), \(sessionID))",
                    logger: self.logger
                )
                try await connection.query(
                    """
                    UPDATE identity.sessions SET refresh_hash = \(newHash), last_used_at = now(), expires_at = \(expiresAt)
                    WHERE id = \(sessionID)
                    """,
                    logger: self.logger
                )
                return .rotated(sessionID: sessionID, accountID: accountID)
            }
            let used = try await connection.query(
                """
                SELECT s.id, s.account_id FROM identity.used_refresh_tokens u JOIN identity.sessions s ON s.id = u.session_id
                WHERE u.token_hash = \(refreshHash)
                """,
                logger: self.logger
            )
            for try await (sessionID, accountID) in used.decode((UUID, UUID).self) {
                try await connection.query(
                    """
                    UPDATE identity.sessions SET revoked_at = now(), revoked_reason = 'refresh token reused'
                    WHERE id = \(sessionID) AND revoked_at IS NULL
                    """,
                    logger: self.logger
                )
                return .reused(sessionID: sessionID, accountID: accountID)
            }
            return .invalid
        }
    }

    func revokeSession(id: UUID, accountID: UUID, reason: String) async throws -> Bool {
        let rows = try await self.client.query(
            """
            UPDATE identity.sessions SET revoked_at = now(), revoked_reason = \(reason)
            WHERE id = \(id) AND account_id = \(accountID) AND revoked_at IS NULL RETURNING id
            """,
            logger: self.logger
        )
        for try await _ in rows { return true }
        return false
    }

    func revokeSessions(accountID: UUID, except: UUID?, reason: String) async throws {
        try await self.client.query(
            """
            UPDATE identity.sessions SET revoked_at = now(), revoked_reason = \(reason)
            WHERE account_id = \(accountID) AND revoked_at IS NULL AND (\(except)::uuid IS NULL OR id <> \(except))
            """,
            logger: self.logger
        )
    }

    func liveSessions(accountID: UUID) async throws -> [SessionRecord] {
        let rows = try await self.client.query(
            """
            SELECT id, created_at, last_used_at, client_address FROM identity.sessions
            WHERE account_id = \(accountID) AND revoked_at IS NULL AND expires_at > \(self.wallClock.now) ORDER BY created_at
            """,
            logger: self.logger
        )
        var sessions: [SessionRecord] = []
        for try await (id, created, used, address) in rows.decode((UUID, Date, Date, String).self) {
            sessions.append(SessionRecord(id: id, createdAt: created, lastUsedAt: used, clientAddress: address))
        }
        return sessions
    }

    /// The sessions revoked after `since` (nil: in the last 20 minutes), and the database's clock.
    func revokedSessions(since: Date?) async throws -> RevokedSessions {
        let rows = try await self.client.query(
            """
            SELECT clock.now, s.id, s.revoked_at
            FROM (SELECT now() AS now) clock
            LEFT JOIN identity.sessions s
              ON s.revoked_at > COALESCE(\(since)::timestamptz, clock.now - interval '20 minutes')
            """,
            logger: self.logger
        )
        var asOf = Date()
        var sessions: [(id: String, revokedAt: Date)] = []
        for try await (now, id, revokedAt) in rows.decode((Date, UUID?, Date?).self) {
            asOf = now
            if let id, let revokedAt { sessions.append((id.uuidString.lowercased(), revokedAt)) }
        }
        return RevokedSessions(asOf: asOf, sessions: sessions)
    }

    func sessionIsLive(id: UUID) async throws -> Bool {
        let rows = try await self.client.query(
            "SELECT 1 FROM identity.sessions WHERE id = \(id) AND revoked_at IS NULL AND expires_at > \(self.wallClock.now)",
            logger: self.logger
        )
        for try await _ in rows { return true }
        return false
    }

    // MARK: Signing keys

    func signingKeys() async throws -> [(kid: String, publicKey: String, privateSealed: String)] {
        let rows = try await self.client.query(
            "SELECT kid, public_key, private_key_sealed FROM identity.signing_keys ORDER BY created_at DESC, kid DESC",
            logger: self.logger
        )
        var keys: [(kid: String, publicKey: String, privateSealed: String)] = []
        for try await (kid, publicKey, sealed) in rows.decode((String, String, String).self) {
            keys.append((kid, publicKey, sealed))
        }
        return keys
    }

    func insertSigningKey(kid: String, publicKey: String, privateSealed: String) async throws {
        try await self.client.query(
            "INSERT INTO identity.signing_keys (kid, public_key, private_key_sealed) VALUES (\(kid), \(publicKey), \(privateSealed))",
            logger: self.logger
        )
    }

    func replaceSealedSigningKey(kid: String, privateSealed: String) async throws {
        try await self.client.query(
            "UPDATE identity.signing_keys SET private_key_sealed = \(privateSealed) WHERE kid = \(kid)",
            logger: self.logger
        )
    }

    // MARK: Service accounts

    func insertServiceAccount(
        clientID: String,
        account: AccountRecord,
        secretHash: String,
        scopes: [String]
    ) async throws {
        let email = try self.sealedEmail(account.email, id: account.id)
        try await self.client.withTransaction(logger: self.logger) { connection in
            try await connection.query(
                """
                INSERT INTO identity.accounts (id, email_sealed, email_key, display_name, roles)
                VALUES (\(account.id), \(email.sealed), \(email.key), \(account.displayName), \(account.roles))
                """,
                logger: self.logger
            )
            try await connection.query(
                """
                INSERT INTO identity.service_accounts (client_id, account_id, secret_hash, scopes)
                VALUES (\(clientID), \(account.id), \(secretHash), \(scopes))
                """,
                logger: self.logger
            )
        }
    }

    func serviceAccount(
        clientID: String
    ) async throws -> (accountID: UUID, secretHash: String, scopes: [String], disabled: Bool)? {
        let rows = try await self.client.query(
            """
            SELECT s.account_id, s.secret_hash, s.scopes, a.disabled FROM identity.service_accounts s
            JOIN identity.accounts a ON a.id = s.account_id WHERE s.client_id = \(clientID)
            """,
            logger: self.logger
        )
        for try await (id, hash, scopes, disabled) in rows.decode((UUID, String, [String], Bool).self) {
            return (id, hash, scopes, disabled)
        }
        return nil
    }

    // MARK: Audit

    func audit(kind: String, accountID: UUID?, actorID: UUID?, clientAddress: String, detail: String) async throws {
        try await self.client.query(
            """
            INSERT INTO identity.audit_events (kind, account_id, actor_id, client_address, detail)
            VALUES (\(kind), \(accountID), \(actorID), \(clientAddress), \(detail))
            """,
            logger: self.logger
        )
    }

    func auditEvents(accountID: UUID?, before: Int64?, limit: Int) async throws -> [AuditRecord] {
        let rows = try await self.client.query(
            """
            SELECT id, at, kind, account_id, actor_id, client_address, detail FROM identity.audit_events
            WHERE (\(accountID)::uuid IS NULL OR account_id = \(accountID)) AND (\(before)::bigint IS NULL OR id < \(before))
            ORDER BY id DESC LIMIT \(limit)
            """,
            logger: self.logger
        )
        var events: [AuditRecord] = []
        for try await (id, at, kind, account, actor, address, detail) in rows.decode(
            (Int64, Date, String, UUID?, UUID?, String, String).self
        ) {
            events.append(
                AuditRecord(
                    id: id,
                    at: at,
                    kind: kind,
                    accountID: account,
                    actorID: actor,
                    clientAddress: address,
                    detail: detail
                )
            )
        }
        return events
    }

    // MARK: Throttling

    /// Failed attempts recorded under `key` since `since`.
    func failures(key: String, since: Date) async throws -> Int {
        let rows = try await self.client.query(
            "SELECT count(*) FROM identity.failed_attempts WHERE key = \(key) AND at > \(since)",
            logger: self.logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    func recordFailure(keys: [String]) async throws {
        let now = self.wallClock.now
        for key in keys {
            try await self.client.query(
                "INSERT INTO identity.failed_attempts (key, at) VALUES (\(key), \(now))",
                logger: self.logger
            )
        }
        try await self.client.query(
            "DELETE FROM identity.failed_attempts WHERE at < \(now.addingTimeInterval(-24 * 3600))",
            logger: self.logger
        )
    }

    func clearFailures(key: String) async throws {
        try await self.client.query("DELETE FROM identity.failed_attempts WHERE key = \(key)", logger: self.logger)
    }

    // MARK: External sign-in

    func insertExternalSignIn(stateHash: String, verifierSealed: String, nonce: String, expiresAt: Date) async throws {
        try await self.client.query(
            """
            INSERT INTO identity.external_sign_ins (state_hash, code_verifier_sealed, nonce, expires_at)
            VALUES (\(stateHash), \(verifierSealed), \(nonce), \(expiresAt))
            """,
            logger: self.logger
        )
        try await self.client.query(
            "DELETE FROM identity.external_sign_ins WHERE expires_at < \(self.wallClock.now)",
            logger: self.logger
        )
    }

    /// Takes (deletes and returns) a pending sign-in: a state works once, and only before it expires.
    func takeExternalSignIn(stateHash: String) async throws -> (verifierSealed: String, nonce: String)? {
        let rows = try await self.client.query(
            """
            DELETE FROM identity.external_sign_ins WHERE state_hash = \(stateHash) AND expires_at > \(self.wallClock.now)
            RETURNING code_verifier_sealed, nonce
            """,
            logger: self.logger
        )
        for try await (verifier, nonce) in rows.decode((String, String).self) { return (verifier, nonce) }
        return nil
    }

    func linkedAccount(issuer: String, subject: String) async throws -> UUID? {
        let rows = try await self.client.query(
            "SELECT account_id FROM identity.external_identities WHERE issuer = \(issuer) AND subject = \(subject)",
            logger: self.logger
        )
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    func link(issuer: String, subject: String, accountID: UUID) async throws {
        try await self.client.query(
            """
            INSERT INTO identity.external_identities (issuer, subject, account_id) VALUES (\(issuer), \(subject), \(accountID))
            ON CONFLICT DO NOTHING
            """,
            logger: self.logger
        )
    }

    // MARK: Decoding

    private func accounts(_ query: PostgresQuery) async throws -> [AccountRecord] {
        let rows = try await self.client.query(query, logger: self.logger)
        var accounts: [AccountRecord] = []
        for try await row in rows {
            let tail = try row.decode(
                (
                    UUID, String, String?, String, String?, String?, String, String, [String], Bool, Bool, String?,
                    Bool, Int64, Date
                ).self
            )
            accounts.append(
                AccountRecord(
                    id: tail.0,
                    email: try self.openEmail(tail.1, id: tail.0),
                    passwordHash: tail.2,
                    displayName: tail.3,
                    phoneSealed: tail.4,
                    addressesSealed: tail.5,
                    preferredCurrency: tail.6,
                    locale: tail.7,
                    roles: tail.8,
                    disabled: tail.9,
                    passwordChangeRequired: tail.10,
                    totpSecretSealed: tail.11,
                    totpEnabled: tail.12,
                    totpLastStep: tail.13,
                    createdAt: tail.14
                )
            )
        }
        return accounts
    }
}

import Foundation
import Logging
import PostgresNIO
import SoukAccess
import SoukDomain
import SoukStorage

/// The identity schema's queries. Every multi-row change runs in one transaction.
struct PostgresIdentityStore: AccountStore {
    let client: PostgresClient
    let logger: Logger
    /// Seals emails and makes their blind index.
    let ring: DataKeyRing
    /// What session expiry, pending external sign-ins and failed-attempt windows are compared with (stamps such as
    /// `created_at` and `revoked_at` stay the database's: the verifier reads revocations by the database's clock).
    let wallClock: WallClock

    /// The sealed email and its current blind index, for an insert or an update.
    func sealedEmail(_ email: String, id: UUID) throws -> (sealed: String, key: String) {
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
            try await self.client.guardedQuery(
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

    func accounts(idPrefix prefix: String, limit: Int) async throws -> [AccountRecord] {
        // The prefix is hex digits and dashes only (IDPrefix), so it holds no LIKE wildcard.
        try await self.accounts(
            """
            SELECT \(unescaped: AccountRecord.columns) FROM identity.accounts
            WHERE id::text LIKE \(prefix + "%") ORDER BY id LIMIT \(limit)
            """
        )
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
        let rows = try await self.client.guardedQuery(
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
        try await self.client.guardedQuery(
            """
            UPDATE identity.accounts SET display_name = \(displayName), phone_sealed = \(phoneSealed),
                addresses_sealed = \(addressesSealed), preferred_currency = \(currency), locale = \(locale)
            WHERE id = \(id)
            """,
            logger: self.logger
        )
    }

    func setPassword(id: UUID, hash: String, mustChange: Bool) async throws {
        try await self.client.guardedQuery(
            "UPDATE identity.accounts SET password_hash = \(hash), password_change_required = \(mustChange) WHERE id = \(id)",
            logger: self.logger
        )
    }

    func setDisabled(id: UUID, disabled: Bool) async throws {
        try await self.client.guardedQuery(
            "UPDATE identity.accounts SET disabled = \(disabled) WHERE id = \(id)",
            logger: self.logger
        )
        if disabled {
            try await self.client.guardedQuery(
                "UPDATE identity.sessions SET revoked_at = now(), revoked_reason = 'account disabled' WHERE account_id = \(id) AND revoked_at IS NULL",
                logger: self.logger
            )
        }
    }

    func setRoles(id: UUID, roles: [String]) async throws {
        try await self.client.guardedQuery(
            "UPDATE identity.accounts SET roles = \(roles) WHERE id = \(id)",
            logger: self.logger
        )
    }

    /// Every account with a sealed field, for re-encryption under a new key.
    func sealedFields() async throws -> [(UUID, String?, String?, String?)] {
        let rows = try await self.client.guardedQuery(
            "SELECT id, phone_sealed, addresses_sealed, totp_secret_sealed FROM identity.accounts",
            logger: self.logger
        )
        var result: [(UUID, String?, String?, String?)] = []
        for try await row in rows.decode((UUID, String?, String?, String?).self) { result.append(row) }
        return result
    }

    func replaceSealed(id: UUID, phone: String?, addresses: String?, totp: String?) async throws {
        try await self.client.guardedQuery(
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
        let rows = try await self.client.guardedQuery(
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
            try await self.client.guardedQuery(
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
    func openEmail(_ stored: String, id: UUID) throws -> String {
        if stored.hasPrefix("plain:") { return String(stored.dropFirst("plain:".count)) }
        return try self.ring.open(stored, context: AccountRecord.emailContext(id))
    }
}

import Foundation

/// Accounts; personal fields arrive and leave sealed, except the email, which the store seals itself.
protocol AccountStore: Sendable {
    /// Inserts an account; ALREADY_EXISTS when the email is taken (case-insensitively).
    func insert(_ account: AccountRecord) async throws

    /// The account with `id`.
    func account(id: UUID) async throws -> AccountRecord?

    /// The account with `email` (case-insensitively).
    func account(email: String) async throws -> AccountRecord?

    /// Up to `limit` accounts whose id's text starts with `prefix` (lowercased, shaped as ``SoukDomain/IDPrefix``
    /// allows), ordered by id.
    func accounts(idPrefix prefix: String, limit: Int) async throws -> [AccountRecord]

    /// A page of accounts ordered by id, after `after`, optionally only those holding `role`.
    func accounts(role: String?, after: UUID?, limit: Int) async throws -> [AccountRecord]

    /// Whether any account holds the admin role.
    func hasAdmin() async throws -> Bool

    /// Replaces the profile fields of the account with `id`.
    func updateProfile(
        id: UUID,
        displayName: String,
        phoneSealed: String?,
        addressesSealed: String?,
        currency: String,
        locale: String
    ) async throws

    /// Sets the password hash, and whether it must be changed at the next sign-in.
    func setPassword(id: UUID, hash: String, mustChange: Bool) async throws

    /// Disables or enables an account; disabling also revokes its sessions.
    func setDisabled(id: UUID, disabled: Bool) async throws

    /// Replaces the account's roles.
    func setRoles(id: UUID, roles: [String]) async throws

    /// Every account's id, sealed phone, addresses and TOTP secret, for re-encryption under a new key.
    func sealedFields() async throws -> [(UUID, String?, String?, String?)]

    /// Replaces the sealed fields of one account (after re-encryption).
    func replaceSealed(id: UUID, phone: String?, addresses: String?, totp: String?) async throws

    /// Seals every email not sealed under the current key and recomputes its index; returns how many changed.
    func sealEmails() async throws -> Int
}

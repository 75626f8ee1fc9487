import Foundation
import SoukAccess
import SoukDomain

/// An account row as stored: personal fields still sealed.
struct AccountRecord: Sendable {
    var id: UUID
    var email: String
    var passwordHash: String?
    var displayName: String
    var phoneSealed: String?
    var addressesSealed: String?
    var preferredCurrency: String
    var locale: String
    var roles: [String]
    var disabled: Bool
    var passwordChangeRequired: Bool
    var totpSecretSealed: String?
    var totpEnabled: Bool
    var totpLastStep: Int64
    var createdAt: Date

    /// Roles as names; unknown names (from a newer build) are dropped.
    var roleNames: Set<RoleName> { Set(self.roles.compactMap(RoleName.init(rawValue:))) }

    /// The case-insensitive blind index emails are unique by and looked up with, one per data key (the current
    /// key's first): the email itself is stored only sealed.
    static func emailKeys(_ email: String, ring: DataKeyRing) -> [String] {
        ring.lookupKeys(email.lowercased(), purpose: "email")
    }

    /// The sealing context of an account's email.
    static func emailContext(_ id: UUID) -> String { "account/\(id)/email" }

    /// The column list every account query selects, in the order ``IdentityStore`` decodes. The email is the
    /// sealed value, or `plain:<email>` for a row written before emails were sealed (until the start-up pass
    /// seals it).
    static let columns = """
        id, COALESCE(email_sealed, 'plain:' || email), password_hash, display_name, phone_sealed, addresses_sealed, preferred_currency, locale, roles, \
        disabled, password_change_required, totp_secret_sealed, totp_enabled, totp_last_step, created_at
        """
}

/// What presenting a refresh token did.
enum RefreshOutcome: Sendable {
    /// A new refresh token replaced the presented one.
    case rotated(sessionID: UUID, accountID: UUID)
    /// The token was already used: its whole session is revoked now.
    case reused(sessionID: UUID, accountID: UUID)
    /// Unknown, expired or revoked.
    case invalid
}

/// A session row.
struct SessionRecord: Sendable {
    var id: UUID
    var createdAt: Date
    var lastUsedAt: Date
    var clientAddress: String
}

/// An audit event row.
struct AuditRecord: Sendable {
    var id: Int64
    var at: Date
    var kind: String
    var accountID: UUID?
    var actorID: UUID?
    var clientAddress: String
    var detail: String
}

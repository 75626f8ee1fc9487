import Foundation
import SoukAccess

/// Sessions and their refresh tokens (stored as hashes).
protocol SessionStore: Sendable {
    /// Starts a session.
    func createSession(
        id: UUID,
        accountID: UUID,
        refreshHash: String,
        expiresAt: Date,
        clientAddress: String
    )
        async throws

    /// Replaces a presented refresh token by a new one, or revokes its session when it was already used.
    func rotate(refreshHash: String, newHash: String, expiresAt: Date) async throws -> RefreshOutcome

    /// Revokes one live session of the account; false when there is none.
    func revokeSession(id: UUID, accountID: UUID, reason: String) async throws -> Bool

    /// Revokes every live session of the account but `except`.
    func revokeSessions(accountID: UUID, except: UUID?, reason: String) async throws

    /// The account's live sessions, oldest first.
    func liveSessions(accountID: UUID) async throws -> [SessionRecord]

    /// The sessions revoked after `since` (nil: in the last 20 minutes), and the store's clock.
    func revokedSessions(since: Date?) async throws -> RevokedSessions

    /// Whether the session is neither revoked nor expired.
    func sessionIsLive(id: UUID) async throws -> Bool
}

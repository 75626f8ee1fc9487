import Foundation
import Logging
import PostgresNIO
import SoukAccess
import SoukDomain
import SoukStorage

/// Sessions and their refresh tokens.
extension PostgresIdentityStore: SessionStore {
    func createSession(
        id: UUID,
        accountID: UUID,
        refreshHash: String,
        expiresAt: Date,
        clientAddress: String
    ) async throws {
        try await self.client.guardedQuery(
            """
            INSERT INTO identity.sessions (id, account_id, refresh_hash, expires_at, client_address)
            VALUES (\(id), \(accountID), \(refreshHash), \(expiresAt), \(clientAddress))
            """,
            logger: self.logger
        )
    }

    /// Replaces a presented refresh token by a new one, or revokes its session when it was already used.
    func rotate(refreshHash: String, newHash: String, expiresAt: Date) async throws -> RefreshOutcome {
        try await self.client.withGuardedTransaction(logger: self.logger) { connection in
            let live = try await connection.guardedQuery(
                """
                SELECT id, account_id FROM identity.sessions
                WHERE refresh_hash = \(refreshHash) AND revoked_at IS NULL AND expires_at > \(self.wallClock.now) FOR UPDATE
                """,
                logger: self.logger
            )
            for try await (sessionID, accountID) in live.decode((UUID, UUID).self) {
                try await connection.guardedQuery(
                    "INSERT INTO identity.used_refresh_tokens (token_hash, session_id) VALUES (\(refreshHash), \(sessionID))",
                    logger: self.logger
                )
                try await connection.guardedQuery(
                    """
                    UPDATE identity.sessions SET refresh_hash = \(newHash), last_used_at = now(), expires_at = \(expiresAt)
                    WHERE id = \(sessionID)
                    """,
                    logger: self.logger
                )
                return .rotated(sessionID: sessionID, accountID: accountID)
            }
            let used = try await connection.guardedQuery(
                """
                SELECT s.id, s.account_id FROM identity.used_refresh_tokens u JOIN identity.sessions s ON s.id = u.session_id
                WHERE u.token_hash = \(refreshHash)
                """,
                logger: self.logger
            )
            for try await (sessionID, accountID) in used.decode((UUID, UUID).self) {
                try await connection.guardedQuery(
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
        let rows = try await self.client.guardedQuery(
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
        try await self.client.guardedQuery(
            """
            UPDATE identity.sessions SET revoked_at = now(), revoked_reason = \(reason)
            WHERE account_id = \(accountID) AND revoked_at IS NULL AND (\(except)::uuid IS NULL OR id <> \(except))
            """,
            logger: self.logger
        )
    }

    func liveSessions(accountID: UUID) async throws -> [SessionRecord] {
        let rows = try await self.client.guardedQuery(
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
        let rows = try await self.client.guardedQuery(
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
        let rows = try await self.client.guardedQuery(
            "SELECT 1 FROM identity.sessions WHERE id = \(id) AND revoked_at IS NULL AND expires_at > \(self.wallClock.now)",
            logger: self.logger
        )
        for try await _ in rows { return true }
        return false
    }
}

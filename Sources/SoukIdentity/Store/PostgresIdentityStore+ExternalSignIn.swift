import Foundation
import Logging
import PostgresNIO
import SoukAccess
import SoukDomain
import SoukStorage

/// Pending sign-ins with an external OpenID provider.
extension PostgresIdentityStore: ExternalSignInStore {
    func insertExternalSignIn(stateHash: String, verifierSealed: String, nonce: String, expiresAt: Date) async throws {
        try await self.client.guardedQuery(
            """
            INSERT INTO identity.external_sign_ins (state_hash, code_verifier_sealed, nonce, expires_at)
            VALUES (\(stateHash), \(verifierSealed), \(nonce), \(expiresAt))
            """,
            logger: self.logger
        )
        try await self.client.guardedQuery(
            "DELETE FROM identity.external_sign_ins WHERE expires_at < \(self.wallClock.now)",
            logger: self.logger
        )
    }

    /// Takes (deletes and returns) a pending sign-in: a state works once, and only before it expires.
    func takeExternalSignIn(stateHash: String) async throws -> (verifierSealed: String, nonce: String)? {
        let rows = try await self.client.guardedQuery(
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
        let rows = try await self.client.guardedQuery(
            "SELECT account_id FROM identity.external_identities WHERE issuer = \(issuer) AND subject = \(subject)",
            logger: self.logger
        )
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    func link(issuer: String, subject: String, accountID: UUID) async throws {
        try await self.client.guardedQuery(
            """
            INSERT INTO identity.external_identities (issuer, subject, account_id) VALUES (\(issuer), \(subject), \(accountID))
            ON CONFLICT DO NOTHING
            """,
            logger: self.logger
        )
    }
}

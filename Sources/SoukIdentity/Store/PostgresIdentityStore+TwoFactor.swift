import Foundation
import Logging
import PostgresNIO
import SoukAccess
import SoukDomain
import SoukStorage

/// TOTP secrets and recovery codes.
extension PostgresIdentityStore: TwoFactorStore {
    func setPendingTotp(id: UUID, sealed: String) async throws {
        try await self.client.guardedQuery(
            "UPDATE identity.accounts SET totp_secret_sealed = \(sealed) WHERE id = \(id) AND NOT totp_enabled",
            logger: self.logger
        )
    }

    /// Turns two-factor on with the step of the confirming code and stores the recovery codes' hashes.
    func enableTotp(id: UUID, step: Int64, recoveryHashes: [String]) async throws {
        try await self.client.withGuardedTransaction(logger: self.logger) { connection in
            try await connection.guardedQuery(
                "UPDATE identity.accounts SET totp_enabled = true, totp_last_step = \(step) WHERE id = \(id)",
                logger: self.logger
            )
            try await connection.guardedQuery(
                "DELETE FROM identity.recovery_codes WHERE account_id = \(id)",
                logger: self.logger
            )
            for hash in recoveryHashes {
                try await connection.guardedQuery(
                    "INSERT INTO identity.recovery_codes (account_id, code_hash) VALUES (\(id), \(hash))",
                    logger: self.logger
                )
            }
        }
    }

    func disableTotp(id: UUID) async throws {
        try await self.client.withGuardedTransaction(logger: self.logger) { connection in
            try await connection.guardedQuery(
                """
                UPDATE identity.accounts SET totp_enabled = false, totp_secret_sealed = NULL, totp_last_step = 0
                WHERE id = \(id)
                """,
                logger: self.logger
            )
            try await connection.guardedQuery(
                "DELETE FROM identity.recovery_codes WHERE account_id = \(id)",
                logger: self.logger
            )
        }
    }

    /// Records `step` as used if it is later than the last used one; false means a replayed code.
    func claimTotpStep(id: UUID, step: Int64) async throws -> Bool {
        let rows = try await self.client.guardedQuery(
            "UPDATE identity.accounts SET totp_last_step = \(step) WHERE id = \(id) AND totp_last_step < \(step) RETURNING id",
            logger: self.logger
        )
        for try await _ in rows { return true }
        return false
    }

    /// Marks an unused recovery code used; false when there is no such unused code.
    func useRecoveryCode(id: UUID, hash: String) async throws -> Bool {
        let rows = try await self.client.guardedQuery(
            """
            UPDATE identity.recovery_codes SET used_at = now()
            WHERE account_id = \(id) AND code_hash = \(hash) AND used_at IS NULL RETURNING account_id
            """,
            logger: self.logger
        )
        for try await _ in rows { return true }
        return false
    }
}

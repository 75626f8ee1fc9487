import Foundation
import Logging
import PostgresNIO
import SoukAccess
import SoukDomain
import SoukStorage

/// Service accounts for the client-credentials grant.
extension PostgresIdentityStore: ServiceAccountStore {
    func insertServiceAccount(
        clientID: String,
        account: AccountRecord,
        secretHash: String,
        scopes: [String]
    ) async throws {
        let email = try self.sealedEmail(account.email, id: account.id)
        try await self.client.withGuardedTransaction(logger: self.logger) { connection in
            try await connection.guardedQuery(
                """
                INSERT INTO identity.accounts (id, email_sealed, email_key, display_name, roles)
                VALUES (\(account.id), \(email.sealed), \(email.key), \(account.displayName), \(account.roles))
                """,
                logger: self.logger
            )
            try await connection.guardedQuery(
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
        let rows = try await self.client.guardedQuery(
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

    func setServiceAccountScopes(clientID: String, scopes: [String]) async throws {
        try await self.client.guardedQuery(
            "UPDATE identity.service_accounts SET scopes = \(scopes) WHERE client_id = \(clientID)",
            logger: self.logger
        )
    }
}

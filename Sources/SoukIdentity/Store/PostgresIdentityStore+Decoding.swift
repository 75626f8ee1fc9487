import Foundation
import Logging
import PostgresNIO
import SoukAccess
import SoukDomain
import SoukStorage

/// Rows decoded into records.
extension PostgresIdentityStore {
    func accounts(_ query: PostgresQuery) async throws -> [AccountRecord] {
        let rows = try await self.client.guardedQuery(query, logger: self.logger)
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

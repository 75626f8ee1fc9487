import Foundation
import Logging
import PostgresNIO
import SoukAccess
import SoukDomain
import SoukStorage

/// The audit log.
extension PostgresIdentityStore: AuditStore {
    func audit(kind: String, accountID: UUID?, actorID: UUID?, clientAddress: String, detail: String) async throws {
        try await self.client.guardedQuery(
            """
            INSERT INTO identity.audit_events (kind, account_id, actor_id, client_address, detail)
            VALUES (\(kind), \(accountID), \(actorID), \(clientAddress), \(detail))
            """,
            logger: self.logger
        )
    }

    func auditEvents(accountID: UUID?, before: Int64?, limit: Int) async throws -> [AuditRecord] {
        let rows = try await self.client.guardedQuery(
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
}

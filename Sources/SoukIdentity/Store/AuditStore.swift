import Foundation

/// The audit log.
protocol AuditStore: Sendable {
    /// Appends one event.
    func audit(kind: String, accountID: UUID?, actorID: UUID?, clientAddress: String, detail: String) async throws

    /// A page of events, newest first, before the event numbered `before`, optionally of one account only.
    func auditEvents(accountID: UUID?, before: Int64?, limit: Int) async throws -> [AuditRecord]
}

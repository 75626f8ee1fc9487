import Foundation
import SoukDomain
import SoukStorage

/// Where payments live: the payments domain's one store seam (``PostgresPaymentsStore`` in production).
///
/// Every write is one transaction that also appends the payment's event to the outbox, so a consumer sees each
/// committed change once and in order.
protocol PaymentsStore: Sendable {
    /// The clock payments are stamped and expired by.
    var wallClock: WallClock { get }

    /// Stores a new payment (created, not yet sent to the provider) with its first history entry.
    /// - Throws: a unique violation when the customer already used the idempotency key.
    func insert(_ payment: PaymentRecord, event: (PaymentRecord) throws -> [UInt8]) async throws

    func payment(_ id: UUID) async throws -> PaymentRecord?
    func payment(customer: UUID, key: String) async throws -> PaymentRecord?
    func payment(provider: String, reference: String) async throws -> PaymentRecord?
    /// The ids of the payments whose id starts with `prefix`, among `owner`'s when given (at most 2).
    func paymentIDs(prefix: String, owner: UUID?) async throws -> [UUID]
    /// One order's payments, or all, newest first, numbered below `before`.
    func payments(
        order: UUID?,
        statuses: [PaymentStatus],
        before: Int64?,
        limit: Int
    ) async throws
        -> [(number: Int64, payment: PaymentRecord)]
    /// Unfinished payments (created, requires_action, authorized), and expired ones whose order was not yet
    /// cancelled, created before `before`, oldest first.
    func unfinishedPayments(createdBefore before: Date, limit: Int) async throws -> [PaymentRecord]
    /// The payments created in `[from, before)` through `provider`.
    func payments(provider: String, createdFrom from: Date, before: Date) async throws -> [PaymentRecord]

    /// Changes one payment under a row lock: `change` edits the record (status, history, refunds, fields) and the
    /// store writes what differs, with an outbox event when anything did. With `event`, the provider's event is
    /// recorded in the same transaction, and an event already recorded changes nothing (`duplicate`).
    func update(
        _ id: UUID,
        providerEvent: (provider: String, id: String)?,
        event: (PaymentRecord) throws -> [UInt8],
        change: (inout PaymentRecord) throws -> Void
    ) async throws -> (payment: PaymentRecord, duplicate: Bool)

    /// Every committed event after `position`, in order, at most `limit`.
    func events(after position: Int64, limit: Int) async throws -> [OutboxEvent]
    /// The position of the last committed event (0 when there is none).
    func lastEventPosition() async throws -> Int64

    /// Keeps a reconciliation report.
    func saveReport(
        id: UUID,
        from: Date,
        before: Date,
        provider: String,
        soukCount: Int,
        providerCount: Int,
        report: [UInt8],
        actor: String
    ) async throws
}

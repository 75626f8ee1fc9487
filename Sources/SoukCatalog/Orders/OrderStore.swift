import Foundation
import SoukStorage

/// Orders, their history and the outbox of domain events. Every order change and its event are written
/// together, and events become visible in the order of their positions.
protocol OrderStore: Sendable {
    /// Holds stock for every line, writes the order and its first history entry, empties the cart and appends
    /// `order.placed` (its payload made by `event`); all or nothing.
    ///
    /// - Throws: ABORTED when the cart changed, FAILED_PRECONDITION when stock runs short, an error whose
    ///   ``SQLState`` is a unique violation when the idempotency key was taken meanwhile.
    func place(
        _ draft: OrderDraft,
        holdUntil: Date,
        event: (OrderRecord) throws -> [UInt8]
    ) async throws
        -> OrderRecord

    /// Where placing an order starts, read in one statement (one snapshot): the id of the order `customer` placed
    /// with `key` when there is one (then `cart` is empty), else the customer's cart lines with their products,
    /// oldest first. A retry that races the first call sees either its order or the cart it was placed from.
    func checkout(
        customer: UUID,
        key: String
    ) async throws
        -> (existing: UUID?, cart: [(sku: String, product: UUID, quantity: Int)])

    /// Moves an order to `status`, applying the move's effect on its reservations, recording who did it and
    /// appending `order.status_changed`. Moving to the status it already has changes nothing (a retried call).
    /// `owner`, when set, must be the order's customer (otherwise NOT_FOUND).
    func move(
        order id: UUID,
        to status: OrderStatus,
        actor: UUID,
        note: String,
        owner: UUID?,
        restock: Bool,
        event: (OrderRecord) throws -> [UInt8]
    ) async throws -> OrderRecord

    /// The order with `id`.
    func order(_ id: UUID) async throws -> OrderRecord?

    /// The order `customer` placed with `key`.
    func order(customer: UUID, key: String) async throws -> OrderRecord?

    /// The ids of at most two orders that `reference` names (a number or an id prefix), of `owner` only when
    /// given: two mean the prefix is ambiguous.
    func orderIDs(matching reference: OrderReference, owner: UUID?) async throws -> [UUID]

    /// Orders matching `filter`, newest first, after the order numbered `before` (keyset page).
    func orders(matching filter: OrderFilter, before: Int64?, limit: Int) async throws -> [OrderRecord]

    /// Up to `limit` committed events after `position`, oldest first.
    func events(after position: Int64, limit: Int) async throws -> [OutboxEvent]

    /// The position of the last committed event (0 when there is none).
    func lastEventPosition() async throws -> Int64
}

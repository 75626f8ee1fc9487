import Foundation
import SoukDomain

/// Stock per SKU and warehouse, and the reservations that hold it; stock is never oversold.
protocol InventoryStore: Sendable {
    /// The clock reservation holds are set and checked by.
    var wallClock: WallClock { get }

    /// Sets the units on hand; NOT_FOUND for an unknown SKU or warehouse, FAILED_PRECONDITION below the units
    /// reserved now.
    func setStock(sku: String, warehouse: String, onHand: Int) async throws -> (onHand: Int, reserved: Int)

    /// The SKU's stock in each warehouse, after releasing the holds that expired.
    func stock(sku: String) async throws -> [(warehouse: String, onHand: Int, reserved: Int)]

    /// Whether a SKU with code `sku` exists.
    func skuExists(_ sku: String) async throws -> Bool

    /// Holds `quantity` units in the active warehouse with the most available; nil when none has enough.
    ///
    /// - Throws: an error whose ``SQLState`` is a unique violation when `key` was taken meanwhile.
    func reserve(sku: String, quantity: Int, key: String?, expiresAt: Date) async throws -> ReservationRecord?

    /// The reservation made with idempotency key `key`.
    func reservation(key: String) async throws -> ReservationRecord?

    /// The reservation with `id`.
    func reservation(id: UUID) async throws -> ReservationRecord?

    /// Consumes (payment) or releases (cancellation) a held reservation; a reservation already in that state is
    /// returned as it is, one in the other final state is refused.
    func finish(id: UUID, consume: Bool) async throws -> ReservationRecord?
}

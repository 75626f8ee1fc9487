import Foundation

/// A reservation row.
struct ReservationRecord: Sendable {
    var id: UUID
    var sku: String
    var warehouse: String
    var quantity: Int
    var expiresAt: Date
    var state: String
}

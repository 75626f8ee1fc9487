import Foundation
import SoukMoney

/// An order as stored: its lines with their reservations, the rates its prices were converted with, and its
/// history.
struct OrderRecord: Sendable {
    struct Line: Sendable {
        var sku: String
        var title: String
        var quantity: Int
        var unitMinor: Int64
        var lineMinor: Int64
        var warehouse: String
        var reservation: UUID
    }

    struct Change: Sendable {
        /// Nil for the change that placed the order.
        var from: OrderStatus?
        var to: OrderStatus
        var actor: UUID
        var at: Date
        var note: String
    }

    var id: UUID
    var number: Int64
    var customer: UUID
    var status: OrderStatus
    var currency: Currency
    var totalMinor: Int64
    var lines: [Line]
    var rates: [ExchangeRate]
    var history: [Change]
    var createdAt: Date
    var updatedAt: Date
    var shipping: OrderShipping?
    /// The payload fingerprint of the PlaceOrder request that created it (idempotency).
    var fingerprint: String
}

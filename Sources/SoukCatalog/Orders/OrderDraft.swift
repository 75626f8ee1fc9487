import Foundation
import SoukMoney

/// What placing an order writes: priced on the server from the cart it was built from.
struct OrderDraft: Sendable {
    struct Line: Sendable {
        var sku: String
        var title: String
        var quantity: Int
        var unitMinor: Int64
        var lineMinor: Int64
    }

    var id: UUID
    var customer: UUID
    var currency: Currency
    var idempotencyKey: String
    var fingerprint: String
    /// Sorted by SKU: reservations lock stock rows in one order, so concurrent checkouts cannot deadlock.
    var lines: [Line]
    /// The lines' sum and the shipping price.
    var totalMinor: Int64
    var rates: [ExchangeRate]
    var shipping: OrderShipping?
}

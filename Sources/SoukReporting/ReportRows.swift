/// One period's sales in one currency, as the store reads them.
struct SalesRow: Sendable, Hashable {
    var period: String
    var currency: String
    var orders: Int64
    var revenueMinor: Int64
    var units: Int64
    var refundedOrders: Int64
    var refundedMinor: Int64
    var cancelledOrders: Int64
    var cancelledMinor: Int64
}

/// How many orders placed in a period are at one status now.
struct StatusCountRow: Sendable, Hashable {
    var period: String
    var status: String
    var count: Int64
}

/// A product's rank in a period (and currency, for revenue; empty for units).
struct ProductRow: Sendable, Hashable {
    var period: String
    var currency: String
    var rank: Int64
    var sku: String
    var revenueMinor: Int64
    var units: Int64
    var orders: Int64
}

package import Foundation
package import SoukAPI

/// What analytics keeps of an order: who bought what, in which currency, where and when; never a street, a name or
/// a phone number.
package struct OrderFact: Sendable, Hashable {
    package struct Line: Sendable, Hashable {
        package var sku: String
        package var quantity: Int32
        package var unitPriceMinor: Int64
        package var lineTotalMinor: Int64
    }

    package var orderID: UUID
    package var number: Int64
    package var customerID: UUID
    /// The order status's proto name without its prefix, lowercased: `pending`, `paid`, `refunded`, …
    package var status: String
    package var currency: String
    package var goodsTotalMinor: Int64
    package var totalMinor: Int64
    package var country: String
    package var region: String
    package var placedAtUnixMs: Int64
    package var updatedAtUnixMs: Int64
    package var lines: [Line]

    /// The fact of `order`, or nil when its ids are not UUIDs (an order analytics cannot key).
    package init?(_ order: Souk_Catalog_V1_Order) {
        guard let orderID = UUID(uuidString: order.id), let customerID = UUID(uuidString: order.customerAccountID)
        else { return nil }
        self.orderID = orderID
        self.number = order.number
        self.customerID = customerID
        self.status = Self.statusName(order.status)
        self.currency = order.currency
        self.goodsTotalMinor = order.hasGoodsTotal ? order.goodsTotal.minorUnits : order.total.minorUnits
        self.totalMinor = order.total.minorUnits
        self.country = order.hasShipping ? order.shipping.address.country : ""
        self.region = order.hasShipping ? order.shipping.address.region : ""
        self.placedAtUnixMs = order.createdAtUnixMs
        self.updatedAtUnixMs = order.updatedAtUnixMs
        self.lines = order.lines.map {
            Line(
                sku: $0.sku,
                quantity: $0.quantity,
                unitPriceMinor: $0.unitPrice.minorUnits,
                lineTotalMinor: $0.lineTotal.minorUnits
            )
        }
    }

    /// The status as analytics stores it: `pending_payment`, `paid`, `packed`, `shipped`, `delivered`,
    /// `cancelled`, `refunded`.
    static func statusName(_ status: Souk_Catalog_V1_OrderStatus) -> String {
        switch status {
        case .unspecified: "unspecified"
        case .pendingPayment: "pending_payment"
        case .paid: "paid"
        case .packed: "packed"
        case .shipped: "shipped"
        case .delivered: "delivered"
        case .cancelled: "cancelled"
        case .refunded: "refunded"
        case .UNRECOGNIZED(let value): "status_\(value)"
        }
    }
}

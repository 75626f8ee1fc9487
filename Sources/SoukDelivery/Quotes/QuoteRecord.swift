import Foundation
import SoukAPI
import SoukMoney

/// A stored quote: one customer's cart to one place at one price, until it expires.
struct QuoteRecord: Sendable, Hashable {
    var id: UUID
    var customer: UUID
    var carrier: String
    var serviceCode: String
    var serviceName: String
    /// What the courier needs to book this option later (a CDEK tariff code, an EasyPost rate id); empty for the
    /// tariff.
    var courierReference: String
    var price: Money
    var minDays: Int
    var maxDays: Int
    var destination: Destination
    /// ``CartFingerprint`` of the cart it was made for.
    var cart: String
    var parcel: Parcel
    var expiresAt: Date
    var createdAt: Date

    var message: Souk_Delivery_V1_ShippingQuote {
        var quote = Souk_Delivery_V1_ShippingQuote()
        quote.id = self.id.uuidString.lowercased()
        quote.carrier = self.carrier
        quote.serviceCode = self.serviceCode
        quote.serviceName = self.serviceName
        quote.price.minorUnits = self.price.minorUnits
        quote.price.currency = self.price.currency.code
        quote.minDays = Int32(self.minDays)
        quote.maxDays = Int32(self.maxDays)
        quote.expiresAtUnixMs = Int64((self.expiresAt.timeIntervalSince1970 * 1000).rounded(.down))
        quote.weightGrams = Int32(clamping: self.parcel.weightGrams)
        quote.volumeCm3 = self.parcel.volumeCM3
        return quote
    }
}

/// A cart's lines as one string, so a quote can tell whether an order is the cart it priced: `sku×qty` sorted.
enum CartFingerprint {
    static func of(_ lines: [(sku: String, quantity: Int)]) -> String {
        var totals: [String: Int] = [:]
        for line in lines where line.quantity > 0 { totals[line.sku, default: 0] += line.quantity }
        return totals.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: ",")
    }
}

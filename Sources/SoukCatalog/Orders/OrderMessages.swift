import Foundation
import SoukAPI
import SoukMoney

/// Orders and events as protobuf messages.
extension OrderRecord {
    var message: Souk_Catalog_V1_Order {
        var order = Souk_Catalog_V1_Order()
        order.id = self.id.uuidString.lowercased()
        order.number = self.number
        order.customerAccountID = self.customer.uuidString.lowercased()
        order.status = self.status.message
        order.currency = self.currency.code
        order.lines = self.lines.map { line in
            var message = Souk_Catalog_V1_OrderLine()
            message.sku = line.sku
            message.title = line.title
            message.quantity = Int32(line.quantity)
            message.unitPrice = CatalogService.money(Money(minorUnits: line.unitMinor, currency: self.currency))
            message.lineTotal = CatalogService.money(Money(minorUnits: line.lineMinor, currency: self.currency))
            message.warehouse = line.warehouse
            return message
        }
        order.total = CatalogService.money(Money(minorUnits: self.totalMinor, currency: self.currency))
        // The address is added for the order's customer and staff only (``OrderService``), never in events.
        if let shipping = self.shipping { order.shipping = shipping.details }
        order.goodsTotal = CatalogService.money(
            Money(minorUnits: self.totalMinor - (self.shipping?.priceMinor ?? 0), currency: self.currency)
        )
        order.rates = self.rates.map { rate in
            var message = Souk_Catalog_V1_AppliedRate()
            message.base = rate.base.code
            message.quote = rate.quote.code
            message.mantissa = rate.mantissa
            message.scale = Int32(rate.scale)
            message.source = rate.source
            message.effectiveDate = rate.effectiveDate
            return message
        }
        order.history = self.history.map { change in
            var message = Souk_Catalog_V1_StatusChange()
            message.from = change.from?.message ?? .unspecified
            message.to = change.to.message
            message.actorAccountID = change.actor.uuidString.lowercased()
            message.atUnixMs = Self.unixMilliseconds(change.at)
            message.note = change.note
            return message
        }
        order.createdAtUnixMs = Self.unixMilliseconds(self.createdAt)
        order.updatedAtUnixMs = Self.unixMilliseconds(self.updatedAt)
        return order
    }

    static func unixMilliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}

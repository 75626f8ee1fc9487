import Crypto
import Foundation
import GRPCCore
import SoukAPI
import SoukAccess
import SoukMoney
import SwiftProtobuf

extension OrderService {
    /// What makes two PlaceOrder payloads the same: the currency, the quote and the delivery address (hashed, so
    /// the address is not stored in clear).
    static func fingerprint(_ request: Souk_Catalog_V1_PlaceOrderRequest, currency: Currency?) throws -> String {
        var fingerprint = "currency=\(currency?.code ?? "preferred")"
        guard !request.shippingQuoteID.isEmpty || request.hasDeliveryAddress else { return fingerprint }
        guard !request.shippingQuoteID.isEmpty else {
            throw CatalogError.invalidArgument(
                "delivery_address: only with shipping_quote_id (a quote from DeliveryService.GetShippingQuotes)"
            )
        }
        guard request.shippingQuoteID.count <= 64 else {
            throw CatalogError.invalidArgument("shipping_quote_id: at most 64 characters")
        }
        let address: [UInt8] = try request.deliveryAddress.serializedBytes()
        let digest = SHA256.hash(data: address).map { String(format: "%02x", $0) }.joined()
        fingerprint += ";quote=\(request.shippingQuoteID);address=\(digest)"
        return fingerprint
    }

    /// `draft` with the shipping line of `quote`, checked by the delivery service for this customer, cart, address
    /// and currency, and the address sealed.
    ///
    /// - Throws: ``CatalogError`` naming the field: the delivery service's refusal (an expired, foreign or
    ///   mismatched quote) with its code, or failed precondition when delivery is not reachable from here.
    func shipped(
        _ draft: OrderDraft,
        quote: String,
        address: Souk_Identity_V1_Address
    ) async throws -> OrderDraft {
        guard let delivery = self.delivery else {
            throw CatalogError.failedPrecondition(
                "shipping_quote_id: delivery is not hosted or reachable here; place the order without a quote"
            )
        }
        guard let ring = self.ring else {
            throw CatalogError.failedPrecondition("delivery_address: this host has no data keys to seal it")
        }
        for (name, value) in [("recipient", address.recipient), ("line1", address.line1)]
        where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw CatalogError.invalidArgument("delivery_address.\(name): required to deliver")
        }
        guard let caller = Caller.current else {
            throw CatalogError(.unauthenticated, "orders belong to a signed-in person")
        }
        var check = Souk_Delivery_V1_CheckQuoteRequest()
        check.quoteID = quote
        check.address = address
        check.currency = draft.currency.code
        check.lines = draft.lines.map { line in
            var quoted = Souk_Delivery_V1_QuotedLine()
            quoted.sku = line.sku
            quoted.quantity = Int32(line.quantity)
            return quoted
        }
        let checked: Souk_Delivery_V1_ShippingQuote
        do {
            checked = try await delivery.checkQuote(check, metadata: caller.onBehalfMetadata)
        } catch let error as RPCError where [.invalidArgument, .notFound, .failedPrecondition].contains(error.code) {
            throw CatalogError(error.code, error.message)
        } catch let error as RPCError {
            throw CatalogError(
                .unavailable,
                "shipping_quote_id: the delivery service could not check it: \(error.message)"
            )
        }
        guard checked.price.currency == draft.currency.code, checked.price.minorUnits >= 0 else {
            throw CatalogError.failedPrecondition("shipping_quote_id: the quote is not in \(draft.currency.code)")
        }
        var details = Souk_Catalog_V1_OrderShipping()
        details.quoteID = checked.id
        details.carrier = checked.carrier
        details.serviceCode = checked.serviceCode
        details.serviceName = checked.serviceName
        details.price = checked.price
        details.minDays = checked.minDays
        details.maxDays = checked.maxDays
        var shipped = draft
        do {
            shipped.totalMinor = try Money(minorUnits: draft.totalMinor, currency: draft.currency)
                .adding(Money(minorUnits: checked.price.minorUnits, currency: draft.currency)).minorUnits
        } catch {
            throw CatalogError.invalidArgument("shipping_quote_id: the total with shipping is too large")
        }
        shipped.shipping = try OrderShipping(details: details, address: address, order: draft.id, ring: ring)
        return shipped
    }
}

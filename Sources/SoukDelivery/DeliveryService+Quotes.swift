import Foundation
package import GRPCCore
package import SoukAPI
import SoukAccess
import SoukDomain
import SoukMoney

extension DeliveryService {
    package func getShippingQuotes(
        request: Souk_Delivery_V1_GetShippingQuotesRequest,
        context: ServerContext
    ) async throws -> Souk_Delivery_V1_GetShippingQuotesResponse {
        let (customer, caller) = try Self.signedIn()
        guard request.hasAddress else { throw DeliveryError.invalidArgument("address: required") }
        let destination = try Destination(request.address, field: "address")
        var cartRequest = Souk_Catalog_V1_GetCartRequest()
        cartRequest.currency = request.currency
        let cart: Souk_Catalog_V1_Cart
        do {
            cart = try await self.catalog.getCart(cartRequest, metadata: caller.onBehalfMetadata)
        } catch let error as RPCError where [.invalidArgument, .failedPrecondition].contains(error.code) {
            throw DeliveryError(error.code, error.message)
        }
        guard !cart.lines.isEmpty else {
            throw DeliveryError.failedPrecondition("cart: empty; add lines before asking for delivery prices")
        }
        let parcel = try Parcel(
            items: cart.lines.map { line in
                Parcel.Item(
                    sku: line.sku,
                    quantity: Int(line.quantity),
                    weightGrams: Int(line.package.weightGrams),
                    lengthMM: Int(line.package.lengthMm),
                    widthMM: Int(line.package.widthMm),
                    heightMM: Int(line.package.heightMm)
                )
            }
        )
        let currency = try Currency.named(cart.total.currency)
        let goods = Money(minorUnits: cart.total.minorUnits, currency: currency)
        let (options, refusals) = TariffEngine(tariff: try await self.currentTariff()).options(
            for: parcel,
            to: destination,
            goods: goods
        )
        let now = self.wallClock.now
        let fingerprint = CartFingerprint.of(cart.lines.map { ($0.sku, Int($0.quantity)) })
        let quotes = options.map { option in
            QuoteRecord(
                id: UUID(),
                customer: customer,
                carrier: Self.ownCarrier,
                serviceCode: option.serviceCode,
                serviceName: option.serviceName,
                courierReference: "",
                price: option.price,
                minDays: option.minDays,
                maxDays: option.maxDays,
                destination: destination,
                cart: fingerprint,
                parcel: parcel,
                expiresAt: now.addingTimeInterval(Self.quoteLifetime),
                createdAt: now
            )
        }
        guard !quotes.isEmpty else {
            throw DeliveryError.failedPrecondition(
                Self.noOptionMessage(refusals, destination: destination, parcel: parcel, currency: currency)
            )
        }
        try await self.store.insert(quotes)
        var response = Souk_Delivery_V1_GetShippingQuotesResponse()
        response.quotes = quotes.map { $0.message }
        return response
    }

    package func checkQuote(
        request: Souk_Delivery_V1_CheckQuoteRequest,
        context: ServerContext
    ) async throws -> Souk_Delivery_V1_ShippingQuote {
        let (customer, _) = try Self.signedIn()
        let id = try Self.uuid(request.quoteID, field: "quote_id")
        // Someone else's quote is answered as not found, so ids reveal nothing.
        guard let quote = try await self.store.quote(id), quote.customer == customer else {
            throw DeliveryError.notFound("quote_id: no quote \(request.quoteID.prefix(40)) of yours")
        }
        guard quote.expiresAt > self.wallClock.now else {
            throw DeliveryError.failedPrecondition("quote_id: the quote expired; ask for new delivery prices")
        }
        guard request.currency == quote.price.currency.code else {
            throw DeliveryError.failedPrecondition(
                "quote_id: the quote is in \(quote.price.currency.code), the order in \(request.currency); ask for prices in \(request.currency)"
            )
        }
        guard request.hasAddress else { throw DeliveryError.invalidArgument("delivery_address: required with a quote") }
        let destination = try Destination(request.address, field: "delivery_address")
        guard destination.matches(quote.destination) else {
            throw DeliveryError.failedPrecondition(
                "delivery_address: not the address the quote was made for (country, region, city and postal code must be the same); ask for new delivery prices"
            )
        }
        guard CartFingerprint.of(request.lines.map { ($0.sku, Int($0.quantity)) }) == quote.cart else {
            throw DeliveryError.failedPrecondition("cart: changed since the quote; ask for new delivery prices")
        }
        return quote.message
    }

    /// Why nothing can be offered, naming the first reason in the tariff's order.
    static func noOptionMessage(
        _ refusals: [TariffEngine.Refusal],
        destination: Destination,
        parcel: Parcel,
        currency: Currency
    ) -> String {
        if refusals.contains(where: { if case .tooHeavy = $0 { true } else { false } }) {
            return
                "cart: a parcel of \(parcel.weightGrams) g and \(parcel.volumeCM3) cm³ is over every bracket for \(destination.country) \(destination.postalCode); split the order"
        }
        if refusals.contains(where: { if case .noPrice = $0 { true } else { false } }) {
            return
                "currency: delivery to \(destination.country) \(destination.postalCode) has no price in \(currency.code); choose another currency"
        }
        return
            "address: no delivery to \(destination.country) \(destination.region) \(destination.postalCode) (no zone of the tariff covers it)"
    }
}

import Foundation
package import GRPCCore
package import SoukAPI
import SoukAccess
import SoukCouriers
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
        let offers = await self.courierOffers(
            parcel: parcel,
            to: Self.courierAddress(request.address, destination: destination),
            destination: destination,
            currency: currency
        )
        let now = self.wallClock.now
        let fingerprint = CartFingerprint.of(cart.lines.map { ($0.sku, Int($0.quantity)) })
        let lifetime = self.settings.quoteLifetime / .milliseconds(1)
        let expiresAt = now.addingTimeInterval(lifetime / 1000)
        var quotes = options.map { option in
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
                expiresAt: expiresAt,
                createdAt: now
            )
        }
        quotes += offers.quotes.map { carrier, offer in
            QuoteRecord(
                id: UUID(),
                customer: customer,
                carrier: carrier,
                serviceCode: String(offer.serviceCode.prefix(100)),
                serviceName: String(offer.rate.name.prefix(200)),
                courierReference: offer.reference,
                price: offer.rate.price,
                minDays: offer.rate.minDays ?? 0,
                maxDays: offer.rate.maxDays ?? offer.rate.minDays ?? 0,
                destination: destination,
                cart: fingerprint,
                parcel: parcel,
                expiresAt: expiresAt,
                createdAt: now
            )
        }
        guard !quotes.isEmpty else {
            var message = Self.noOptionMessage(refusals, destination: destination, parcel: parcel, currency: currency)
            if !offers.failures.isEmpty {
                message +=
                    "; couriers: " + offers.failures.map { "\($0.carrier): \($0.message)" }.joined(separator: "; ")
            }
            throw DeliveryError.failedPrecondition(message)
        }
        // Cheapest first; the tariff's options before a courier's at the same price.
        quotes = quotes.enumerated().sorted {
            ($0.element.price.minorUnits, $0.offset) < ($1.element.price.minorUnits, $1.offset)
        }
        .map(\.element)
        try await self.store.insert(quotes)
        var response = Souk_Delivery_V1_GetShippingQuotesResponse()
        response.quotes = quotes.map { $0.message }
        response.failures = offers.failures
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

import Foundation
import GRPCCore
import SoukAPI
import SoukDomain
import SoukHost
import TestSupport
import Testing

@Suite("Quotes refused with the field named, and no order without its shipping line", .serialized)
struct QuoteRefusalTests {
    @Test("an address without country or postcode, a place no zone covers, a parcel over every bracket")
    func badAddressesAndParcels() async throws {
        try await DeliveryShop.with { shop in
            let customer = try await shop.customer("carl@example.com")
            var noPostcode = DeliveryShop.moscow
            noPostcode.postalCode = ""
            let missing = await rpcError { _ = try await shop.quotes(customer, to: noPostcode) }
            #expect(missing?.code == .invalidArgument)
            #expect(missing?.message == "address.postal_code: required")
            var noCountry = DeliveryShop.moscow
            noCountry.country = ""
            #expect(
                await rpcError { _ = try await shop.quotes(customer, to: noCountry) }?.message
                    == "address.country: required (e.g. RU)"
            )
            var kazakhstan = DeliveryShop.moscow
            kazakhstan.country = "KZ"
            kazakhstan.postalCode = "050000"
            let nowhere = await rpcError { _ = try await shop.quotes(customer, to: kazakhstan) }
            #expect(nowhere?.code == .failedPrecondition)
            #expect(nowhere?.message.hasPrefix("address: no delivery to KZ") == true)
            // 5 mugs are 2 kg, within the tariff; the default tariff's last bracket is 30 kg, so ask for 80 mugs.
            var line = Souk_Catalog_V1_SetCartLineRequest()
            line.sku = "MUG-350"
            line.quantity = 80
            _ = try await shop.harness.catalog.setCartLine(line, metadata: customer)
            let heavy = await rpcError { _ = try await shop.quotes(customer) }
            #expect(heavy?.code == .failedPrecondition)
            #expect(heavy?.message.hasPrefix("cart: a parcel of 32000 g") == true)
        }
    }

    @Test("an expired, foreign, moved or stale quote places nothing and keeps the cart")
    func quotesThatNoLongerHold() async throws {
        try await DeliveryShop.with { shop in
            var customer = try await shop.customer("dina@example.com")
            let other = try await shop.customer("egor@example.com", mugs: 1)
            let quote = try #require(try await shop.quotes(customer).quotes.first)
            let othersQuote = try #require(try await shop.quotes(other).quotes.first)

            let foreign = await rpcError { _ = try await shop.place(customer, quote: othersQuote.id, key: "k1") }
            #expect(foreign?.code == .notFound)
            #expect(foreign?.message.hasPrefix("quote_id: no quote") == true)

            var spb = DeliveryShop.moscow
            spb.postalCode = "190000"
            let moved = await rpcError { _ = try await shop.place(customer, quote: quote.id, address: spb, key: "k2") }
            #expect(moved?.code == .failedPrecondition)
            #expect(moved?.message.hasPrefix("delivery_address: not the address the quote was made for") == true)

            let wrongCurrency = await rpcError {
                _ = try await shop.place(customer, quote: quote.id, key: "k3", currency: "USD")
            }
            #expect(wrongCurrency?.code == .failedPrecondition)
            #expect(wrongCurrency?.message.contains("the quote is in RUB") == true)

            var noStreet = DeliveryShop.moscow
            noStreet.line1 = ""
            let street = await rpcError {
                _ = try await shop.place(customer, quote: quote.id, address: noStreet, key: "k4")
            }
            #expect(street?.code == .invalidArgument)
            #expect(street?.message == "delivery_address.line1: required to deliver")

            var line = Souk_Catalog_V1_SetCartLineRequest()
            line.sku = "MUG-350"
            line.quantity = 3
            _ = try await shop.harness.catalog.setCartLine(line, metadata: customer)
            let stale = await rpcError { _ = try await shop.place(customer, quote: quote.id, key: "k5") }
            #expect(stale?.code == .failedPrecondition)
            #expect(stale?.message == "cart: changed since the quote; ask for new delivery prices")

            let fresh = try #require(try await shop.quotes(customer).quotes.first)
            shop.wallClock.advance(by: .seconds(31 * 60))
            customer = try await shop.signIn("dina@example.com")
            let expired = await rpcError { _ = try await shop.place(customer, quote: fresh.id, key: "k6") }
            #expect(expired?.code == .failedPrecondition)
            #expect(expired?.message == "quote_id: the quote expired; ask for new delivery prices")

            let address = await rpcError {
                var request = Souk_Catalog_V1_PlaceOrderRequest()
                request.idempotencyKey = "k7"
                request.deliveryAddress = DeliveryShop.moscow
                _ = try await shop.harness.orders.placeOrder(request, metadata: customer)
            }
            #expect(address?.code == .invalidArgument)
            #expect(address?.message.hasPrefix("delivery_address: only with shipping_quote_id") == true)

            // Nothing was ordered, and the cart is as the customer left it.
            let mine = try await shop.harness.orders.listMyOrders(.init(), metadata: customer)
            #expect(mine.orders.isEmpty)
            var cart = Souk_Catalog_V1_GetCartRequest()
            cart.currency = "RUB"
            #expect(try await shop.harness.catalog.getCart(cart, metadata: customer).lines.map(\.quantity) == [3])
        }
    }

    @Test("staff set a tariff; a customer may not; the new prices quote at once")
    func settingTheTariff() async throws {
        try await DeliveryShop.with { shop in
            let customer = try await shop.customer("fedor@example.com")
            var tariff = try await shop.delivery.getTariff(.init(), metadata: shop.admin)
            #expect(tariff.updatedAtUnixMs == 0)
            tariff.services[0].zones[0].brackets[0].prices = tariff.services[0].zones[0].brackets[0].prices.map {
                var price = $0
                price.minorUnits += 1
                return price
            }
            var set = Souk_Delivery_V1_SetTariffRequest()
            set.tariff = tariff
            let denied = await rpcError { _ = try await shop.delivery.setTariff(set, metadata: customer) }
            #expect(denied?.code == .permissionDenied)
            let stored = try await shop.delivery.setTariff(set, metadata: shop.admin)
            #expect(stored.updatedAtUnixMs > 0)
            #expect(try await shop.quotes(customer).quotes.first?.price.minorUnits == 29_001)
            set.tariff.services[0].zones[0].country = "Russia"
            let bad = await rpcError { _ = try await shop.delivery.setTariff(set, metadata: shop.admin) }
            #expect(bad?.code == .invalidArgument)
            #expect(bad?.message.hasPrefix("tariff.services[0].zones[0].country") == true)
        }
    }

    @Test("a host with catalog but no delivery refuses a quote id by name, places nothing and keeps the cart")
    func noDeliveryHere() async throws {
        let withoutDelivery: @Sendable (inout HostConfig) -> Void = { $0.services = [.identity, .catalog] }
        try await DeliveryShop.with(configure: withoutDelivery) { shop in
            let customer = try await shop.customer("no-delivery@example.com", mugs: 3)
            let refused = await rpcError { _ = try await shop.place(customer, quote: UUID().uuidString.lowercased()) }
            #expect(refused?.code == .failedPrecondition)
            #expect(refused?.message.hasPrefix("shipping_quote_id: delivery is not hosted or reachable here") == true)
            #expect(try await shop.harness.orders.listMyOrders(.init(), metadata: customer).orders.isEmpty)
            var cart = Souk_Catalog_V1_GetCartRequest()
            cart.currency = "RUB"
            #expect(try await shop.harness.catalog.getCart(cart, metadata: customer).lines.map(\.quantity) == [3])
            let unhosted = await rpcError { _ = try await shop.quotes(customer) }
            #expect(unhosted?.code == .unimplemented)
        }
    }
}

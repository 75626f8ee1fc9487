import AsyncHTTPClient
import Foundation
import GRPCCore
import Logging
import SoukAPI
import SoukCouriers
import SoukDomain
import SoukHost
import SoukLocalProviders
import SoukMoney
import SoukRetry
import Synchronization
import TestSupport
import Testing

@testable import SoukDelivery

@Suite("Couriers at checkout, registration, polling and webhooks, against the local CDEK and EasyPost", .serialized)
struct CourierDeliveryTests {
    static let webhookSecret = "whsec_delivery_test"

    /// The host's delivery settings for `cdek`, polled every `pollInterval`.
    static func cdek(_ server: LocalCDEKServer, pollInterval: Duration) -> @Sendable (inout HostConfig) -> Void {
        let baseURL = server.baseURL
        return { config in
            config.deliverySandbox = false
            config.delivery.cdek = .init(
                baseURL: baseURL,
                clientID: "local-account",
                clientSecret: CourierSecret("local-secret")
            )
            config.delivery.pollInterval = pollInterval
            config.delivery.requestTimeout = .seconds(5)
        }
    }

    /// The host's delivery settings for the local EasyPost at `server`, polled every `pollInterval`.
    static func easyPost(
        _ server: LocalEasyPostServer,
        pollInterval: Duration
    ) -> @Sendable (inout HostConfig) -> Void {
        let baseURL = server.baseURL
        return { config in
            config.deliverySandbox = false
            config.delivery.easyPost = .init(
                baseURL: baseURL,
                apiKey: CourierSecret("EZTK_local"),
                webhookSecret: CourierSecret(Self.webhookSecret)
            )
            config.delivery.pollInterval = pollInterval
            config.delivery.requestTimeout = .seconds(5)
        }
    }

    @Test("a CDEK quote for Moscow, ordered, packed: registered (tracking number), polled to delivered, the order too")
    func cdekJourney() async throws {
        try await LocalCDEKServer.withLocalCDEK { server in
            try await DeliveryShop.with(configure: Self.cdek(server, pollInterval: .milliseconds(100))) { shop in
                let customer = try await shop.customer("cdek@example.com")
                let quotes = try await shop.quotes(customer)
                #expect(quotes.failures.isEmpty)
                #expect(quotes.quotes.contains { $0.carrier == "souk" })
                let prices = quotes.quotes.map(\.price.minorUnits)
                #expect(prices == prices.sorted())
                let quote = try #require(quotes.quotes.first { $0.carrier == "cdek" })
                #expect(quote.price.currency == "RUB")
                #expect(Int(quote.serviceCode) != nil)

                let order = try await shop.place(customer, quote: quote.id)
                #expect(order.shipping.carrier == "cdek")
                try await shop.move(order, to: .paid)
                try await shop.move(order, to: .packed)
                let created = try await shop.shipment(of: order, as: customer)
                #expect(created.carrier == "cdek")
                let delivered = try await shop.eventually {
                    try await shop.shipment(of: order, as: customer)
                } until: {
                    $0.status == .delivered
                }
                #expect(delivered.status == .delivered)
                #expect(!delivered.trackingNumber.isEmpty)
                #expect(delivered.registrationError.isEmpty)
                #expect(delivered.history.dropFirst().allSatisfy { $0.source == "courier:cdek" })
                #expect(delivered.history.last?.courierStatus == "DELIVERED")
                let final = try await shop.eventually {
                    try await shop.order(order.id)
                } until: {
                    $0.status == .delivered
                }
                #expect(final.status == .delivered)
                #expect(server.orderCount == 1)
            }
        }
    }

    @Test(
        "without catalog weights: a CDEK quote stored directly, ordered, packed → registered, polled to delivered, the order too"
    )
    func cdekJourneyFromStoredQuote() async throws {
        try await LocalCDEKServer.withLocalCDEK { server in
            try await DeliveryShop.with(configure: Self.cdek(server, pollInterval: .milliseconds(100))) { shop in
                let email = "stored@example.com"
                let tokens = try await shop.harness.customer(email: email)
                let customer = IdentityHarness.bearer(tokens.accessToken)
                var line = Souk_Catalog_V1_SetCartLineRequest()
                line.sku = "MUG-350"
                line.quantity = 2
                line.currency = "RUB"
                _ = try await shop.harness.catalog.setCartLine(line, metadata: customer)
                // What GetShippingQuotes would store for CDEK once the catalog weighs SKUs (its branch).
                let cdek = CDEKClient(
                    httpClient: .shared,
                    config: .init(
                        baseURL: server.baseURL,
                        clientID: "local-account",
                        clientSecret: CourierSecret("local-secret")
                    )
                )
                let destination = try Destination(DeliveryShop.moscow, field: "address")
                let rate = try #require(
                    try await cdek.tariffs(
                        from: DeliverySettings.moscowWarehouse,
                        to: DeliveryService.courierAddress(DeliveryShop.moscow, destination: destination),
                        parcels: [CourierParcel(weightGrams: 800, lengthMM: 120, widthMM: 90, heightMM: 200)]
                    ).first
                )
                try await Self.shipStoredQuote(shop, tokens: tokens, rate: rate, destination: destination)
                #expect(server.orderCount == 1)
            }
        }
    }

    @Test("the sandbox: no courier keys, local CDEK started by the host; a stored CDEK quote is polled to delivered")
    func sandbox() async throws {
        let configure: @Sendable (inout HostConfig) -> Void = { config in
            config.deliverySandbox = true
            config.delivery.pollInterval = .milliseconds(100)
        }
        try await DeliveryShop.with(configure: configure) { shop in
            let tokens = try await shop.harness.customer(email: "sandbox@example.com")
            var line = Souk_Catalog_V1_SetCartLineRequest()
            line.sku = "MUG-350"
            line.quantity = 2
            line.currency = "RUB"
            _ = try await shop.harness.catalog.setCartLine(line, metadata: IdentityHarness.bearer(tokens.accessToken))
            // The local CDEK's "Посылка склад-дверь"; the sandbox's address is the host's own.
            let rate = CourierRate(
                code: "137",
                name: "Посылка склад-дверь",
                minorUnits: 45_000,
                currency: .rub,
                minDays: 3,
                maxDays: 5
            )
            let destination = try Destination(DeliveryShop.moscow, field: "address")
            try await Self.shipStoredQuote(shop, tokens: tokens, rate: rate, destination: destination)
        }
    }

    /// Stores a CDEK quote of `rate` for the customer's two mugs to Moscow (what GetShippingQuotes would store once
    /// the catalog weighs SKUs), orders it, pays and packs it, and waits for the shipment and the order to be
    /// delivered.
    static func shipStoredQuote(
        _ shop: DeliveryShop,
        tokens: Souk_Identity_V1_TokenPair,
        rate: CourierRate,
        destination: Destination
    ) async throws {
        let customer = IdentityHarness.bearer(tokens.accessToken)
        let now = shop.wallClock.now
        let quote = QuoteRecord(
            id: UUID(),
            customer: try #require(Self.accountID(tokens.accessToken)),
            carrier: "cdek",
            serviceCode: rate.code,
            serviceName: rate.name,
            courierReference: rate.code,
            price: rate.price,
            minDays: rate.minDays ?? 0,
            maxDays: rate.maxDays ?? 0,
            destination: destination,
            cart: CartFingerprint.of([("MUG-350", 2)]),
            parcel: Parcel(weightGrams: 800, volumeCM3: 2160, lengthMM: 0, widthMM: 0, heightMM: 0),
            expiresAt: now.addingTimeInterval(1800),
            createdAt: now
        )
        try await TestDatabase.withClient(shop.harness.databaseURL) { postgres in
            try await DeliveryStore(client: postgres, logger: Logger(label: "test")).insert([quote])
        }

        let order = try await shop.place(customer, quote: quote.id.uuidString.lowercased())
        #expect(order.shipping.carrier == "cdek")
        try await shop.move(order, to: .paid)
        try await shop.move(order, to: .packed)
        let delivered = try await shop.eventually {
            try await shop.shipment(of: order, as: customer)
        } until: {
            $0.status == .delivered
        }
        #expect(delivered.status == .delivered)
        #expect(!delivered.trackingNumber.isEmpty)
        #expect(delivered.registrationError.isEmpty)
        #expect(delivered.history.dropFirst().allSatisfy { $0.source == "courier:cdek" })
        let final = try await shop.eventually {
            try await shop.order(order.id)
        } until: {
            $0.status == .delivered
        }
        #expect(final.status == .delivered)
    }

    /// The account id (`sub`) of an access token.
    static func accountID(_ token: String) -> UUID? {
        let parts = token.split(separator: ".")
        guard parts.count == 3 else { return nil }
        var text = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: text),
            let claims = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let sub = claims["sub"] as? String
        else { return nil }
        return UUID(uuidString: sub)
    }

    @Test(
        "without catalog weights: CDEK's offers for a parcel; its 5xx, a timeout and a foreign currency are named failures"
    )
    func cdekOffers() async throws {
        try await LocalCDEKServer.withLocalCDEK { server in
            try await DeliveryShop.with(configure: Self.cdek(server, pollInterval: .seconds(3600))) { shop in
                try await TestDatabase.withClient(shop.harness.databaseURL) { postgres in
                    var settings = DeliverySettings()
                    settings.requestTimeout = .seconds(2)
                    let client = CDEKClient(
                        httpClient: .shared,
                        config: .init(
                            baseURL: server.baseURL,
                            clientID: "local-account",
                            clientSecret: CourierSecret("local-secret"),
                            retries: CourierRetries(
                                maxAttempts: 1,
                                initialBackoff: .milliseconds(10),
                                maxBackoff: .milliseconds(10)
                            )
                        )
                    )
                    let service = shop.standaloneService(
                        postgres: postgres,
                        couriers: [CDEKCourier(client: client, origin: settings.origin)],
                        settings: settings
                    )
                    let destination = try Destination(DeliveryShop.moscow, field: "address")
                    let parcel = Parcel(weightGrams: 800, volumeCM3: 2160, lengthMM: 120, widthMM: 90, heightMM: 200)
                    let address = DeliveryService.courierAddress(DeliveryShop.moscow, destination: destination)
                    func offers(_ currency: Currency) async -> DeliveryService.CourierOffers {
                        await service.courierOffers(
                            parcel: parcel,
                            to: address,
                            destination: destination,
                            currency: currency
                        )
                    }

                    let fine = await offers(.rub)
                    #expect(fine.failures.isEmpty)
                    #expect(!fine.quotes.isEmpty)
                    #expect(fine.quotes.allSatisfy { $0.carrier == "cdek" && Int($0.quote.reference) != nil })

                    let foreign = await offers(.usd)
                    #expect(foreign.quotes.isEmpty)
                    #expect(foreign.failures.map(\.carrier) == ["cdek"])
                    #expect(foreign.failures.first?.message.contains("prices in RUB, not in the cart's USD") == true)

                    server.failNext(1, with: .status(503))
                    let down = await offers(.rub)
                    #expect(down.quotes.isEmpty)
                    #expect(down.failures.first?.message.contains("unavailable (HTTP 503)") == true)

                    server.failNext(1, with: .hang)
                    let slow = await offers(.rub)
                    #expect(slow.quotes.isEmpty)
                    #expect(slow.failures.first?.message.contains("no answer within") == true)
                    server.releaseHangingRequests()

                    // A country CDEK does not serve: not asked, nothing named.
                    let abroad = Destination(country: "US", region: "TX", city: "Austin", postalCode: "78701")
                    #expect(
                        await service.courierOffers(parcel: parcel, to: address, destination: abroad, currency: .rub)
                            .failures.isEmpty
                    )
                }
            }
        }
    }

    @Test("CDEK answering 5xx: the tariff's options are still offered and the failure names CDEK")
    func cdekDown() async throws {
        try await LocalCDEKServer.withLocalCDEK { server in
            try await DeliveryShop.with(configure: Self.cdek(server, pollInterval: .seconds(3600))) { shop in
                let customer = try await shop.customer("down@example.com")
                server.failNext(10, with: .status(503))
                let quotes = try await shop.quotes(customer)
                #expect(!quotes.quotes.isEmpty)
                #expect(quotes.quotes.allSatisfy { $0.carrier == "souk" })
                let failure = try #require(quotes.failures.first)
                #expect(quotes.failures.count == 1)
                #expect(failure.carrier == "cdek")
                #expect(failure.message.contains("unavailable"))
            }
        }
    }

    @Test(
        "an EasyPost webhook with a missing or wrong signature is refused and applies nothing; a signed one applies once"
    )
    func easyPostWebhook() async throws {
        let captured = Mutex<[LocalWebhook]>([])
        let webhooks = LocalEasyPostServer.Webhooks(
            destination: .handler { webhook in
                captured.withLock { $0.append(webhook) }
                return 200
            },
            secret: CourierSecret(Self.webhookSecret)
        )
        try await LocalEasyPostServer.withLocalEasyPost(config: .init(advancesOnRead: false, webhooks: webhooks)) {
            server in
            let baseURL = server.baseURL
            // The poller must not move the shipment before the webhook does.
            try await DeliveryShop.with(configure: Self.easyPost(server, pollInterval: .seconds(3600))) { shop in
                // A label bought directly, and a shipment of it as registration would store it.
                let client = EasyPostClient(
                    httpClient: .shared,
                    config: .init(baseURL: baseURL, apiKey: CourierSecret("EZTK_local"))
                )
                let buyer = CourierAddress(
                    country: "US",
                    region: "TX",
                    city: "Austin",
                    postalCode: "78701",
                    line1: "100 Congress Ave",
                    recipient: "Sam Doe",
                    phone: "+15125550100"
                )
                let quote = try await client.quote(
                    from: DeliverySettings.moscowWarehouse,
                    to: buyer,
                    parcel: CourierParcel(weightGrams: 800, lengthMM: 120, widthMM: 90, heightMM: 200)
                )
                let rate = try #require(quote.rates.first)
                let label = try await client.buy(shipmentID: quote.shipmentID, rateID: rate.code)
                let shipment = Self.shipment(carrier: "easypost", reference: label.trackingReference)
                try await TestDatabase.withClient(shop.harness.databaseURL) { postgres in
                    let store = DeliveryStore(client: postgres, logger: Logger(label: "test"))
                    _ = try await store.create(shipment, stream: "test", position: 1)
                }
                #expect(server.advance(label.trackingReference) == "in_transit")
                let webhook = try await shop.eventually {
                    captured.withLock { $0.first }
                } until: {
                    $0 != nil
                }
                let event = try #require(webhook)
                let headers = Dictionary(uniqueKeysWithValues: event.headers.map { ($0.key.lowercased(), $0.value) })
                #expect(headers["x-hmac-signature"] != nil)

                func send(_ headers: [String: String]) async throws -> Bool {
                    var request = Souk_Delivery_V1_CourierWebhookRequest()
                    request.carrier = "easypost"
                    request.headers = headers
                    request.body = Data(event.body)
                    return try await shop.delivery.receiveCourierWebhook(request).applied
                }
                var forged = headers
                forged["x-hmac-signature"] = EasyPostWebhookSignature(secret: CourierSecret("whsec_other"))
                    .header(body: event.body)
                var unsigned = headers
                unsigned["x-hmac-signature"] = nil
                for bad in [forged, unsigned] {
                    let refused = await rpcError { _ = try await send(bad) }
                    #expect(refused?.code == .unauthenticated)
                    #expect(refused?.message.contains("X-Hmac-Signature") == true)
                }
                var get = Souk_Delivery_V1_GetShipmentRequest()
                get.id = shipment.id.uuidString.lowercased()
                #expect(try await shop.delivery.getShipment(get, metadata: shop.admin).status == .created)

                #expect(try await send(headers))
                let moved = try await shop.delivery.getShipment(get, metadata: shop.admin)
                #expect(moved.status == .inTransit)
                #expect(moved.history.last?.source == "courier:easypost")
                #expect(moved.history.last?.courierStatus == "in_transit")
                // The same event again: processed before, nothing applied.
                #expect(try await send(headers) == false)
                #expect(try await shop.delivery.getShipment(get, metadata: shop.admin).history.count == 2)
            }
        }
    }

    /// A courier shipment of an order the catalog does not know, stored directly.
    static func shipment(carrier: String, reference: String) -> ShipmentRecord {
        let now = Date()
        return ShipmentRecord(
            id: UUID(),
            order: UUID(),
            orderNumber: 1,
            customer: UUID(),
            quote: nil,
            status: .created,
            carrier: carrier,
            serviceCode: "USPS Priority",
            serviceName: "USPS Priority",
            courierReference: reference,
            trackingNumber: "",
            labelURL: "",
            registrationError: "",
            originWarehouse: "MSK-1",
            originCity: "Moscow",
            destination: Destination(country: "US", region: "TX", city: "Austin", postalCode: "78701"),
            cost: Money(minorUnits: 1499, currency: .usd),
            promisedMinDays: 2,
            promisedMaxDays: 5,
            handedOverAt: nil,
            deliveredAt: nil,
            history: [.init(from: nil, to: .created, source: "delivery", at: now, courierStatus: "", note: "test")],
            createdAt: now,
            updatedAt: now
        )
    }
}

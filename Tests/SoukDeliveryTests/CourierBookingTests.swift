import AsyncHTTPClient
import Foundation
import GRPCCore
import Logging
import PostgresNIO
import SoukAPI
import SoukCouriers
import SoukDomain
import SoukHost
import SoukLocalProviders
import TestSupport
import Testing

@testable import SoukDelivery

@Suite("Booking a courier: from the shipment's warehouse, to the order's address, never twice", .serialized)
struct CourierBookingTests {
    /// An Austin address (postcode 78701, state TX).
    static var austin: Souk_Identity_V1_Address {
        var address = Souk_Identity_V1_Address()
        address.recipient = "Sam Doe"
        address.line1 = "100 Congress Ave"
        address.line2 = "Suite 400"
        address.city = "Austin"
        address.region = "TX"
        address.postalCode = "78701"
        address.country = "US"
        address.phone = "+1 512 555 0100"
        return address
    }

    /// Moves the mugs' stock from MSK-1 to SPB-1: the order's units, and so its shipment, leave from SPB-1.
    static func stockInSaintPetersburg(_ shop: DeliveryShop) async throws {
        for (warehouse, onHand) in [("SPB-1", Int32(5)), ("MSK-1", 0)] {
            var stock = Souk_Catalog_V1_SetStockRequest()
            stock.sku = "MUG-350"
            stock.warehouse = warehouse
            stock.onHand = onHand
            _ = try await shop.harness.catalog.setStock(stock, metadata: shop.admin)
        }
    }

    @Test(
        "CDEK: sent from SPB-1's address with the order's full address and the parcel's sides; a lost answer is found by number, not sent twice"
    )
    func cdekFromWarehouseOnce() async throws {
        try await LocalCDEKServer.withLocalCDEK { server in
            // The courier calls' timeout is CourierDeliveryTests' 5 s: only the lost answer may reach it.
            try await DeliveryShop.with(configure: CourierDeliveryTests.cdek(server, pollInterval: .milliseconds(100)))
            {
                shop in
                try await Self.stockInSaintPetersburg(shop)
                let customer = try await shop.customer("booking-cdek@example.com")
                let quote = try #require(try await shop.quotes(customer).quotes.first { $0.carrier == "cdek" })
                let order = try await shop.place(customer, quote: quote.id)
                try await shop.move(order, to: .paid)
                // CDEK makes the order but its answer never arrives: the booking times out.
                server.loseAnswer(toNext: "/orders")
                try await shop.move(order, to: .packed)
                let failed = try await shop.eventually {
                    try await shop.shipment(of: order, as: customer)
                } until: {
                    !$0.registrationError.isEmpty
                }
                #expect(failed.trackingNumber.isEmpty)
                #expect(failed.route.originWarehouse == "SPB-1")
                // The next attempt is due once the (manual) wall clock passes the back-off.
                shop.wallClock.advance(by: .seconds(1))
                let registered = try await shop.eventually {
                    try await shop.shipment(of: order, as: customer)
                } until: {
                    !$0.trackingNumber.isEmpty
                }
                #expect(!registered.trackingNumber.isEmpty)
                #expect(registered.registrationError.isEmpty)

                let sent = server.orders(numbered: registered.id)
                #expect(sent.count == 1)
                let request = try #require(sent.first)
                #expect(request.fromLocation.city == "Saint Petersburg")
                #expect(request.fromLocation.address?.contains("Nevsky prospekt, 28") == true)
                #expect(request.sender?.name == "Souk dispatch")
                #expect(request.toLocation.address?.contains("Тверская улица, 7, кв. 12") == true)
                #expect(request.recipient.name == "Анна Петрова")
                // Two 120×90×100 mm mugs stacked: 12×9×20 cm, not a cube of their volume.
                let package = try #require(request.packages.first)
                #expect([package.length, package.width, package.height] == [12, 9, 20])
                #expect(package.weight == 800)
                #expect(server.requests.filter { $0.method == "POST" && $0.path == "/orders" }.count == 1)
                #expect(server.requests.contains { $0.method == "GET" && $0.path == "/orders" })
            }
        }
    }

    @Test(
        "EasyPost: the label is bought for the order's full address from the warehouse, for the chosen service; a lost answer is not bought twice"
    )
    func easyPostFromWarehouseOnce() async throws {
        try await LocalEasyPostServer.withLocalEasyPost { server in
            let configure = CourierDeliveryTests.easyPost(server, pollInterval: .milliseconds(100))
            try await DeliveryShop.with(configure: configure) { shop in
                let customer = try await shop.customer("booking-easypost@example.com", currency: "USD")
                // Checkout knows the place only; the order gets the street, suite, name and phone.
                var place = Self.austin
                place.line1 = ""
                place.line2 = ""
                place.recipient = ""
                place.phone = ""
                let quotes = try await shop.quotes(customer, to: place, currency: "USD")
                let quote = try #require(quotes.quotes.last { $0.carrier == "easypost" })
                let order = try await shop.place(customer, quote: quote.id, address: Self.austin, currency: "USD")
                try await shop.move(order, to: .paid)
                let shipmentsBefore = server.shipmentCount
                server.loseAnswer(toNext: "/buy")
                try await shop.move(order, to: .packed)
                let failed = try await shop.eventually {
                    try await shop.shipment(of: order, as: customer)
                } until: {
                    !$0.registrationError.isEmpty
                }
                #expect(failed.trackingNumber.isEmpty)
                // A poller that listed the shipment before it failed must not book it before its retry is due.
                try await Self.registerStaleCopy(of: failed, shop: shop, easyPost: server)
                let stillFailed = try await shop.shipment(of: order, as: customer)
                #expect(stillFailed.trackingNumber.isEmpty)
                #expect(!stillFailed.registrationError.isEmpty)
                #expect(!server.requests.contains { $0.method == "GET" && $0.path.hasPrefix("/shipments/") })
                shop.wallClock.advance(by: .seconds(1))
                let registered = try await shop.eventually {
                    try await shop.shipment(of: order, as: customer)
                } until: {
                    !$0.trackingNumber.isEmpty
                }
                #expect(!registered.trackingNumber.isEmpty)
                #expect(registered.serviceName == quote.serviceName)
                // One shipment rated at booking, one label bought, though the purchase's answer was lost.
                #expect(server.shipmentCount == shipmentsBefore + 1)
                #expect(server.purchaseCount == 1)
                #expect(server.requests.contains { $0.method == "GET" && $0.path.hasPrefix("/shipments/") })

                let addresses = try #require(server.addresses(ofLabel: registered.trackingNumber))
                #expect(addresses.to.street1 == "100 Congress Ave")
                #expect(addresses.to.street2 == "Suite 400")
                #expect(addresses.to.name == "Sam Doe")
                #expect(addresses.from.street1 == "ul. Myasnitskaya, 24/7, bld. 1")
                #expect(addresses.from.city == "Moscow")
            }
        }
    }

    /// Hands a second delivery service, on the same database and wall clock, the shipment as it was before its
    /// booking failed (no error recorded), as a poller that listed it just before would.
    static func registerStaleCopy(
        of shipment: Souk_Delivery_V1_Shipment,
        shop: DeliveryShop,
        easyPost server: LocalEasyPostServer
    ) async throws {
        try await TestDatabase.withClient(shop.harness.databaseURL) { postgres in
            let settings = DeliverySettings()
            let client = EasyPostClient(
                httpClient: .shared,
                config: .init(baseURL: server.baseURL, apiKey: CourierSecret("EZTK_local"))
            )
            let service = shop.standaloneService(
                postgres: postgres,
                couriers: [EasyPostCourier(client: client, origin: settings.origin)],
                settings: settings
            )
            let id = try #require(UUID(uuidString: shipment.id))
            let store = DeliveryStore(client: postgres, logger: Logger(label: "test"))
            var stale = try #require(try await store.shipment(id))
            stale.registrationError = ""
            let attempts = try await Self.registrationAttempts(of: id, postgres)
            await service.register(stale)
            // Not tried at all: neither booked nor counted as another failure.
            #expect(try await Self.registrationAttempts(of: id, postgres) == attempts)
        }
    }

    static func registrationAttempts(of id: UUID, _ postgres: PostgresClient) async throws -> Int {
        let rows = try await postgres.query(
            "SELECT registration_attempts FROM delivery.shipments WHERE id = \(id)",
            logger: Logger(label: "test")
        )
        for try await attempts in rows.decode(Int.self) { return attempts }
        return -1
    }
}

@Suite("A refunded order's shipment: cancelled with its courier before hand-over, left on its way after", .serialized)
struct ShipmentCancellationTests {
    /// Waits until delivery has followed every order event there is now (its stored position reaches the orders'
    /// last), so that what a test checks next is what the follower did with them.
    static func followed(_ shop: DeliveryShop) async throws {
        try await TestDatabase.withClient(shop.harness.databaseURL) { postgres in
            var last: Int64 = 0
            for try await position in try await postgres.query(
                "SELECT coalesce(max(position), 0) FROM catalog.outbox",
                logger: .init(label: "test")
            ).decode(Int64.self) { last = position }
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                var followed: Int64 = 0
                for try await position in try await postgres.query(
                    "SELECT position FROM delivery.followed_streams WHERE stream = 'orders'",
                    logger: .init(label: "test")
                ).decode(Int64.self) { followed = position }
                if followed >= last { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            Issue.record("delivery did not follow the orders' events up to \(last) within 30 s")
        }
    }

    /// A shop on the local CDEK, and an order whose shipment CDEK has registered.
    struct RegisteredCDEK: Sendable {
        let server: LocalCDEKServer
        let shop: DeliveryShop
        let order: Souk_Catalog_V1_Order
        let customer: Metadata
        let shipment: Souk_Delivery_V1_Shipment

        var parts: (LocalCDEKServer, DeliveryShop, Souk_Catalog_V1_Order, Metadata, Souk_Delivery_V1_Shipment) {
            (self.server, self.shop, self.order, self.customer, self.shipment)
        }
    }

    /// Runs `body` with a shop on the local CDEK (reads do not move orders; the poller waits an hour) and a CDEK
    /// order of two mugs to Moscow, paid and packed, its shipment registered with CDEK by the orders' follower.
    static func withRegisteredCDEKShipment(
        email: String,
        _ body: @Sendable (RegisteredCDEK) async throws -> Void
    ) async throws {
        try await LocalCDEKServer.withLocalCDEK(config: .init(advancesOnRead: false)) { server in
            try await DeliveryShop.with(configure: CourierDeliveryTests.cdek(server, pollInterval: .seconds(3600))) {
                shop in
                let customer = try await shop.customer(email)
                let quote = try #require(try await shop.quotes(customer).quotes.first { $0.carrier == "cdek" })
                let order = try await shop.place(customer, quote: quote.id)
                try await shop.move(order, to: .paid)
                try await shop.move(order, to: .packed)
                let shipment = try await shop.shipment(of: order, as: customer)
                // CDEK gives the waybill number later; the order exists once the follower registered it.
                let uuid = try await shop.eventually {
                    server.uuid(ofNumber: shipment.id)
                } until: {
                    $0 != nil
                }
                #expect(uuid != nil)
                try await body(
                    RegisteredCDEK(server: server, shop: shop, order: order, customer: customer, shipment: shipment)
                )
            }
        }
    }

    @Test("CDEK, not handed over: the refund deletes the CDEK order and cancels the shipment; the poller leaves it")
    func cdekBeforeHandOver() async throws {
        try await Self.withRegisteredCDEKShipment(email: "refund1@example.com") { registered in
            let (server, shop, order, customer, shipment) = registered.parts
            let uuid = try #require(server.uuid(ofNumber: shipment.id))
            try await shop.move(order, to: .refunded)
            let cancelled = try await shop.eventually {
                try await shop.shipment(of: order, as: customer)
            } until: {
                $0.status == .cancelled
            }
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.history.last?.source == "delivery")
            #expect(cancelled.history.last?.note.contains("cdek booking was cancelled") == true)
            #expect(server.statuses(of: uuid).last == "REMOVED")
            #expect(try await shop.order(order.id).status == .refunded)

            // Cancelled follows the refund only: never set by hand.
            var move = Souk_Delivery_V1_UpdateShipmentStatusRequest()
            move.shipmentID = shipment.id
            move.status = .cancelled
            let byHand = await rpcError {
                _ = try await shop.delivery.updateShipmentStatus(move, metadata: shop.admin)
            }
            #expect(byHand?.code == .failedPrecondition)
            #expect(byHand?.message.contains("refunding its order") == true)
        }
    }

    @Test("CDEK, parcel in hand: the refund cannot delete the CDEK order, and the shipment stays on its way")
    func cdekInHand() async throws {
        try await Self.withRegisteredCDEKShipment(email: "refund2@example.com") { registered in
            let (server, shop, order, customer, shipment) = registered.parts
            let uuid = try #require(server.uuid(ofNumber: shipment.id))
            #expect(server.advance(uuid) == "RECEIVED_AT_SENDER_WAREHOUSE")
            try await shop.move(order, to: .refunded)
            try await Self.followed(shop)
            #expect(server.requests.contains { $0.method == "DELETE" && $0.status == 400 })
            #expect(!server.statuses(of: uuid).contains("REMOVED"))
            #expect(try await shop.shipment(of: order, as: customer).status == .created)
        }
    }

    @Test("the shop's own delivery: a refund before hand-over cancels the shipment; the customer sees it")
    func ownDelivery() async throws {
        let configure: @Sendable (inout HostConfig) -> Void = { $0.deliverySandbox = false }
        try await DeliveryShop.with(configure: configure) { shop in
            let customer = try await shop.customer("refund3@example.com")
            let quote = try #require(try await shop.quotes(customer).quotes.first { $0.carrier == "souk" })
            let order = try await shop.place(customer, quote: quote.id)
            try await shop.move(order, to: .paid)
            try await shop.move(order, to: .packed)
            _ = try await shop.shipment(of: order, as: customer)
            try await shop.move(order, to: .refunded)
            let cancelled = try await shop.eventually {
                try await shop.shipment(of: order, as: customer)
            } until: {
                $0.status == .cancelled
            }
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.history.last?.note == "order refunded")
            #expect(cancelled.history.map(\.to) == [.created, .cancelled])
        }
    }

    @Test("EasyPost, not scanned: the refund refunds the label and cancels the shipment")
    func easyPostBeforeHandOver() async throws {
        try await LocalEasyPostServer.withLocalEasyPost(config: .init(advancesOnRead: false)) { server in
            let configure = CourierDeliveryTests.easyPost(server, pollInterval: .seconds(3600))
            try await DeliveryShop.with(configure: configure) { shop in
                let (customer, order) = try await shop.paidEasyPostOrder("refund4@example.com")
                try await shop.move(order, to: .packed)
                let registered = try await shop.eventually {
                    try await shop.shipment(of: order, as: customer)
                } until: {
                    !$0.trackingNumber.isEmpty
                }
                #expect(server.refundStatus(ofLabel: registered.trackingNumber) == nil)
                try await shop.move(order, to: .refunded)
                let cancelled = try await shop.eventually {
                    try await shop.shipment(of: order, as: customer)
                } until: {
                    $0.status == .cancelled
                }
                #expect(cancelled.status == .cancelled)
                #expect(server.refundStatus(ofLabel: registered.trackingNumber) == "submitted")
            }
        }
    }
}

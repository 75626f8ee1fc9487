import Foundation
import GRPCCore
import Logging
import PostgresNIO
import SoukAPI
import SoukDomain
import SoukProcess
import SoukStorage
import TestSupport
import Testing

@Suite("An order's delivery from quote to delivered", .serialized)
struct DeliveryJourneyTests {
    @Test("quote, order with its shipping line, packed → shipment, moved by staff to delivered, the order follows")
    func journey() async throws {
        try await DeliveryShop.with { shop in
            var customer = try await shop.customer("anna@example.com")
            let quotes = try await shop.quotes(customer)
            // 2 mugs = 800 g, to Moscow: the default tariff's Moscow zone, first bracket, not free below 5000 RUB.
            let quote = try #require(quotes.quotes.first)
            #expect(quote.carrier == "souk")
            #expect(quote.serviceCode == "standard")
            #expect(quote.price.minorUnits == 29_000)
            #expect(quote.price.currency == "RUB")
            #expect(quote.weightGrams == 800)
            #expect((quote.minDays, quote.maxDays) == (1, 2))

            let order = try await shop.place(customer, quote: quote.id)
            #expect(order.goodsTotal.minorUnits == 258_000)
            #expect(order.total.minorUnits == 258_000 + 29_000)
            #expect(order.shipping.quoteID == quote.id)
            #expect(order.shipping.price.minorUnits == 29_000)
            #expect(order.shipping.address.line1 == DeliveryShop.moscow.line1)
            // A retry with the same key and payload is the same order; another address with it is refused.
            #expect(try await shop.place(customer, quote: quote.id).id == order.id)
            var elsewhere = DeliveryShop.moscow
            elsewhere.line1 = "Арбат, 1"
            let reused = await rpcError { _ = try await shop.place(customer, quote: quote.id, address: elsewhere) }
            #expect(reused?.code == .failedPrecondition)
            #expect(reused?.message.contains("idempotency_key") == true)

            try await shop.move(order, to: .paid)
            try await shop.move(order, to: .packed)
            var shipment = try await shop.shipment(of: order, as: customer)
            #expect(shipment.status == .created)
            #expect(shipment.orderNumber == order.number)
            #expect(shipment.trackingNumber.hasPrefix("SOUK"))
            #expect(shipment.route.originWarehouse == "MSK-1")
            #expect(shipment.route.originCity == "Moscow")
            #expect(shipment.route.destinationRegion == "Moscow")
            #expect(shipment.cost.minorUnits == 29_000)
            #expect((shipment.promisedMinDays, shipment.promisedMaxDays) == (1, 2))

            shipment = try await shop.moveShipment(shipment, to: .handedOver)
            #expect(try await shop.order(order.id).status == .shipped)
            shop.wallClock.advance(by: .seconds(86_400 + 60))
            // A day later the tokens have expired: sign in again.
            let staff = try await shop.signInAdmin()
            customer = try await shop.signIn("anna@example.com")
            shipment = try await staff.moveShipment(shipment, to: .inTransit)
            shipment = try await staff.moveShipment(shipment, to: .outForDelivery)
            shipment = try await staff.moveShipment(shipment, to: .delivered)
            #expect(shipment.status == .delivered)
            #expect(shipment.actualDays == 2)
            #expect(shipment.history.map(\.to) == [.created, .handedOver, .inTransit, .outForDelivery, .delivered])
            #expect(shipment.history.dropFirst().allSatisfy { $0.source == shipment.history.last?.source })
            #expect(try await staff.order(order.id).status == .delivered)

            // Final: no move back, no move on.
            let back = await rpcError { _ = try await staff.moveShipment(shipment, to: .inTransit) }
            #expect(back?.code == .failedPrecondition)
            #expect(back?.message.contains("delivered cannot move to in_transit") == true)

            // The customer tracks it; the staff list has it.
            let tracked = try await staff.shipment(of: order, as: customer)
            #expect(tracked.status == .delivered)
            var list = Souk_Delivery_V1_ListShipmentsRequest()
            list.statuses = [.delivered]
            #expect(
                try await staff.delivery.listShipments(list, metadata: staff.admin).shipments.map(\.id) == [shipment.id]
            )
        }
    }

    @Test("the delivery address is sealed at rest and absent from events")
    func sealedAddress() async throws {
        try await DeliveryShop.with { shop in
            let customer = try await shop.customer("boris@example.com")
            let quote = try #require(try await shop.quotes(customer).quotes.first)
            let order = try await shop.place(customer, quote: quote.id)
            try await TestDatabase.withClient(shop.harness.databaseURL) { postgres in
                let street = "Тверская"
                let rows = try await postgres.query(
                    """
                    SELECT delivery_address_sealed,
                        (SELECT count(*) FROM catalog.outbox WHERE position(convert_to(\(street), 'UTF8') IN payload) > 0),
                        (SELECT count(*) FROM catalog.outbox WHERE aggregate_id = \(UUID(uuidString: order.id)!))
                    FROM catalog.orders WHERE id = \(UUID(uuidString: order.id)!)
                    """,
                    logger: Logger(label: "test")
                )
                var checked = false
                for try await (sealed, leaking, events) in rows.decode((String, Int64, Int64).self) {
                    #expect(sealed.hasPrefix("v1."))
                    #expect(!sealed.contains(street))
                    #expect(leaking == 0)
                    #expect(events == 1)
                    checked = true
                }
                #expect(checked)
            }
            // A dump of the whole database (text columns in clear; bytea columns are checked above) has none of it.
            let url = shop.harness.databaseURL
            var arguments = [
                "--no-owner", "--dbname", url.database, "--username", url.username, "--port", "\(url.port)",
            ]
            arguments += ["--host", url.socketDirectory ?? url.host ?? "localhost"]
            let dump = try await CommandRunner().run(
                "\(try PostgresBinaries.locate(searchPath: nil).directory)/pg_dump",
                arguments
            )
            #expect(dump.status == 0, "\(dump.output.prefix(500))")
            #expect(dump.output.contains(order.id), "the dump is of the right database")
            for secret in ["Тверская", "Анна Петрова", "999 123-45-67"] {
                #expect(!dump.output.contains(secret), "\(secret) is in the dump in clear")
            }
            // The event carries the shipping line but not the address.
            var events = Souk_Catalog_V1_StreamEventsRequest()
            events.afterPosition = 0
            let payloads = try await shop.harness.orders.streamEvents(events, metadata: shop.admin) { response in
                var orders: [Souk_Catalog_V1_Order] = []
                for try await event in response.messages { orders.append(event.order) }
                return orders
            }
            let placed = try #require(payloads.first { $0.id == order.id })
            #expect(placed.shipping.quoteID == quote.id)
            #expect(!placed.shipping.hasAddress)
        }
    }
}

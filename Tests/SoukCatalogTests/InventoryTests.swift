import GRPCCore
import SoukAPI
import SoukDomain
import SoukHost
import TestSupport
import Testing

@Suite("Inventory: stock per warehouse, reservations that never oversell")
struct InventoryTests {
    /// A published product with one SKU and `units` in Moscow.
    static func stocked(_ harness: IdentityHarness, admin: Metadata, units: Int32) async throws -> String {
        var kitchen = Souk_Catalog_V1_CreateCategoryRequest()
        kitchen.name = "Kitchen"
        kitchen.slug = "kitchen"
        let category = try await harness.catalog.createCategory(kitchen, metadata: admin)
        _ = try await harness.catalog.createProduct(CatalogServiceTests.mug(category: category.id), metadata: admin)
        var stock = Souk_Catalog_V1_SetStockRequest()
        stock.sku = "MUG-350"
        stock.warehouse = "MSK-1"
        stock.onHand = units
        let level = try await harness.catalog.setStock(stock, metadata: admin)
        #expect(level.available == units)
        return "MUG-350"
    }

    @Test("50 concurrent checkouts for 10 units: exactly 10 succeed, the rest are told there is not enough")
    func neverOversell() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let sku = try await Self.stocked(harness, admin: admin, units: 10)
            let outcomes = try await withThrowingTaskGroup(of: RPCError.Code?.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        var reserve = Souk_Catalog_V1_ReserveStockRequest()
                        reserve.sku = sku
                        reserve.quantity = 1
                        reserve.idempotencyKey = "checkout-\(index)"
                        return await rpcError { _ = try await harness.catalog.reserveStock(reserve, metadata: admin) }?
                            .code
                    }
                }
                return try await group.reduce(into: [RPCError.Code?]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 10)
            #expect(outcomes.filter { $0 == .failedPrecondition }.count == 40)
            var get = Souk_Catalog_V1_GetStockRequest()
            get.sku = sku
            let level = try await harness.catalog.getStock(get, metadata: admin).levels[0]
            #expect(level.onHand == 10 && level.reserved == 10 && level.available == 0)
        }
    }

    @Test("consume and release move the units; retries with the same key are idempotent; holds expire")
    func lifecycle() async throws {
        // Holds expire by the catalog's clock, which moves only when the test says: however slow the machine,
        // a one-second hold lasts until the test steps past it.
        let clock = WallClock.manual()
        let configure: @Sendable (inout HostConfig) -> Void = { $0.wallClock = clock }
        try await IdentityHarness.with(configure: configure) { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let sku = try await Self.stocked(harness, admin: admin, units: 3)
            var reserve = Souk_Catalog_V1_ReserveStockRequest()
            reserve.sku = sku
            reserve.quantity = 2
            reserve.idempotencyKey = "order-1"
            let held = try await harness.catalog.reserveStock(reserve, metadata: admin)
            #expect(held.state == .held && held.warehouse == "MSK-1")
            #expect(
                try await harness.catalog.reserveStock(reserve, metadata: admin).id == held.id,
                "same key, same hold"
            )
            reserve.quantity = 1
            let reused = await rpcError { _ = try await harness.catalog.reserveStock(reserve, metadata: admin) }
            #expect(reused?.code == .failedPrecondition)
            #expect(reused?.message.hasPrefix("idempotency_key") == true)

            var finish = Souk_Catalog_V1_ReservationRequest()
            finish.reservationID = held.id
            #expect(try await harness.catalog.consumeReservation(finish, metadata: admin).state == .consumed)
            #expect(
                try await harness.catalog.consumeReservation(finish, metadata: admin).state == .consumed,
                "idempotent"
            )
            let late = await rpcError { _ = try await harness.catalog.releaseReservation(finish, metadata: admin) }
            #expect(late?.code == .failedPrecondition)
            var get = Souk_Catalog_V1_GetStockRequest()
            get.sku = sku
            let afterPayment = try await harness.catalog.getStock(get, metadata: admin).levels[0]
            #expect(afterPayment.onHand == 1 && afterPayment.reserved == 0)

            var short = Souk_Catalog_V1_ReserveStockRequest()
            short.sku = sku
            short.quantity = 1
            short.holdSeconds = 1
            let brief = try await harness.catalog.reserveStock(short, metadata: admin)
            let none = await rpcError { _ = try await harness.catalog.reserveStock(short, metadata: admin) }
            #expect(none?.code == .failedPrecondition)
            clock.advance(by: .milliseconds(1500))
            _ = try await harness.catalog.reserveStock(short, metadata: admin)
            finish.reservationID = brief.id
            let expired = await rpcError { _ = try await harness.catalog.consumeReservation(finish, metadata: admin) }
            #expect(expired?.code == .failedPrecondition, "an expired hold cannot be paid")
        }
    }

    @Test("zero, negative and absurd quantities, unknown SKUs and warehouses are refused by name")
    func badInput() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let sku = try await Self.stocked(harness, admin: admin, units: 5)
            for quantity: Int32 in [0, -1, 1_000_000] {
                var reserve = Souk_Catalog_V1_ReserveStockRequest()
                reserve.sku = sku
                reserve.quantity = quantity
                let error = await rpcError { _ = try await harness.catalog.reserveStock(reserve, metadata: admin) }
                #expect(error?.code == .invalidArgument && error?.message.hasPrefix("quantity") == true, "\(quantity)")
            }
            var unknown = Souk_Catalog_V1_ReserveStockRequest()
            unknown.sku = "NO-SUCH"
            unknown.quantity = 1
            #expect(
                await rpcError { _ = try await harness.catalog.reserveStock(unknown, metadata: admin) }?.code
                    == .notFound
            )
            var stock = Souk_Catalog_V1_SetStockRequest()
            stock.sku = sku
            stock.warehouse = "NOWHERE"
            stock.onHand = 1
            #expect(
                await rpcError { _ = try await harness.catalog.setStock(stock, metadata: admin) }?.code == .notFound
            )
            let customer = IdentityHarness.bearer(try await harness.customer(email: "ann@example.com").accessToken)
            stock.warehouse = "MSK-1"
            #expect(
                await rpcError { _ = try await harness.catalog.setStock(stock, metadata: customer) }?.code
                    == .permissionDenied
            )
        }
    }
}

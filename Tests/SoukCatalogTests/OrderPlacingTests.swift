import GRPCCore
import SoukAPI
import SoukDomain
import SoukHost
import SoukIdentity
import TestSupport
import Testing

/// Placing an order is one prepared statement and the outbox append: these pin what that statement must keep
/// all or nothing, exact and serialized.
@Suite("Placing an order: every line held or none, expired holds returned once, one order and one event per key")
struct OrderPlacingTests {
    /// The mug shop with a second published SKU, `TEA-200` (sorted after `MUG-350`, so it is an order's line 2),
    /// with `stock` units per warehouse.
    static func open(_ harness: IdentityHarness, mugs: Int32, tea stock: [String: Int32]) async throws -> MugShop {
        let shop = try await MugShop.open(harness, stock: mugs)
        var cups = Souk_Catalog_V1_CreateCategoryRequest()
        cups.name = "Tea"
        cups.slug = "tea"
        let category = try await harness.catalog.createCategory(cups, metadata: shop.admin)
        let product = try await harness.catalog.createProduct(
            CatalogServiceTests.mug(category: category.id, sku: "TEA-200"),
            metadata: shop.admin
        )
        var publish = Souk_Catalog_V1_PublishProductRequest()
        publish.productID = product.id
        _ = try await harness.catalog.publishProduct(publish, metadata: shop.admin)
        for (warehouse, units) in stock {
            var set = Souk_Catalog_V1_SetStockRequest()
            set.sku = "TEA-200"
            set.warehouse = warehouse
            set.onHand = units
            _ = try await harness.catalog.setStock(set, metadata: shop.admin)
        }
        return shop
    }

    static func setLine(_ shop: MugShop, _ customer: Metadata, sku: String, quantity: Int32) async throws {
        var line = Souk_Catalog_V1_SetCartLineRequest()
        line.sku = sku
        line.quantity = quantity
        _ = try await shop.harness.catalog.setCartLine(line, metadata: customer)
    }

    /// (on hand, reserved) of `sku` per warehouse.
    static func levels(_ shop: MugShop, _ sku: String) async throws -> [String: [Int32]] {
        var request = Souk_Catalog_V1_GetStockRequest()
        request.sku = sku
        let levels = try await shop.harness.catalog.getStock(request, metadata: shop.admin).levels
        return Dictionary(uniqueKeysWithValues: levels.map { ($0.warehouse, [$0.onHand, $0.reserved]) })
    }

    @Test("a multi-line order with one short line holds nothing, creates no order, writes no event, keeps the cart")
    func shortLineRefusesAll() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await Self.open(harness, mugs: 5, tea: ["MSK-1": 1])
            let ann = try await shop.customer("ann@example.com", mugs: 2)
            try await Self.setLine(shop, ann, sku: "TEA-200", quantity: 3)

            let short = await rpcError { _ = try await shop.place(ann, key: "k-1") }
            #expect(short?.code == .failedPrecondition)
            #expect(short?.message == "cart: not enough TEA-200 in stock for 3 (line 2)")
            #expect(try await shop.stock() == (5, 0), "line 1 was held and given back")
            #expect(try await Self.levels(shop, "TEA-200") == ["MSK-1": [1, 0]])
            #expect(try await harness.orders.listOrders(.init(), metadata: shop.admin).orders.isEmpty)
            #expect(try await OrderEventTests.backlog(shop).isEmpty, "no event for a refused order")
            var cart = Souk_Catalog_V1_GetCartRequest()
            cart.currency = "RUB"
            #expect(try await harness.catalog.getCart(cart, metadata: ann).lines.map(\.quantity) == [2, 3])

            // The same key once the cart fits: one order with both lines in SKU order, one event.
            try await Self.setLine(shop, ann, sku: "TEA-200", quantity: 1)
            let order = try await shop.place(ann, key: "k-1")
            #expect(order.lines.map(\.sku) == ["MUG-350", "TEA-200"])
            #expect(order.lines.map(\.quantity) == [2, 1])
            #expect(order.lines.map(\.warehouse) == ["MSK-1", "MSK-1"])
            #expect(order.total.minorUnits == 3 * 129_000)
            #expect(try await shop.stock() == (5, 2))
            #expect(try await Self.levels(shop, "TEA-200") == ["MSK-1": [1, 1]])
            #expect(try await harness.catalog.getCart(cart, metadata: ann).lines.isEmpty)
            let events = try await OrderEventTests.backlog(shop)
            #expect(events.map(\.type) == ["order.placed"])
            #expect(events.first?.order.number == order.number)
            #expect(events.first?.order.lines == order.lines)
            var get = Souk_Catalog_V1_GetOrderRequest()
            get.orderID = order.id
            #expect(try await harness.orders.getOrder(get, metadata: ann) == order, "what was stored is what was said")
        }
    }

    @Test("expired holds go back to the stock in the checkout that needs their units, counted once")
    func expiredHoldsReleasedOnce() async throws {
        let clock = WallClock.manual()
        let configure: @Sendable (inout HostConfig) -> Void = {
            $0.wallClock = clock
            $0.identity.accessTokenLifetime = .seconds(3 * 3600)
        }
        try await IdentityHarness.with(configure: configure) { harness in
            let shop = try await Self.open(harness, mugs: 3, tea: ["MSK-1": 2, "SPB-1": 2])
            let ann = try await shop.customer("ann@example.com", mugs: 2)
            try await Self.setLine(shop, ann, sku: "TEA-200", quantity: 2)
            let lapsed = try await shop.place(ann, key: "lapses")
            #expect(lapsed.lines.map(\.warehouse) == ["MSK-1", "MSK-1"], "ties go to the first warehouse by code")
            clock.advance(by: .seconds(61 * 60))

            // Only the lapsed holds make room for bob's 3 mugs, and they put his 2 teas in MSK-1 again (a tie).
            let bob = try await shop.customer("bob@example.com", mugs: 3)
            try await Self.setLine(shop, bob, sku: "TEA-200", quantity: 2)
            let order = try await shop.place(bob, key: "after")
            #expect(order.lines.map(\.warehouse) == ["MSK-1", "MSK-1"])
            #expect(try await shop.stock() == (3, 3), "ann's 2 released, bob's 3 held: not 5, not 1")
            #expect(try await Self.levels(shop, "TEA-200") == ["MSK-1": [2, 2], "SPB-1": [2, 0]])
            let refused = await rpcError { _ = try await shop.move(lapsed, to: .paid) }
            #expect(refused?.message.contains("expired before payment") == true)
            #expect(try await shop.move(order, to: .paid).status == .paid)
            #expect(try await shop.stock() == (0, 0))
        }
    }

    @Test("concurrent retries of one PlaceOrder get one order, hold its units once and write one event")
    func concurrentRetries() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await Self.open(harness, mugs: 10, tea: ["MSK-1": 10])
            let ann = try await shop.customer("ann@example.com", mugs: 2)
            try await Self.setLine(shop, ann, sku: "TEA-200", quantity: 1)
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 { group.addTask { try await shop.place(ann, key: "one-click").id } }
                var ids: [String] = []
                for try await id in group { ids.append(id) }
                return ids
            }
            #expect(ids.count == 8)
            #expect(Set(ids).count == 1, "every retry answers with the order that won")
            #expect(try await harness.orders.listOrders(.init(), metadata: shop.admin).orders.count == 1)
            #expect(try await shop.stock() == (10, 2))
            #expect(try await Self.levels(shop, "TEA-200") == ["MSK-1": [10, 1]])
            #expect(try await OrderEventTests.backlog(shop).map(\.type) == ["order.placed"])
        }
    }

    @Test("20 concurrent two-line checkouts for 5 teas in two warehouses: 5 orders, both lines or neither")
    func concurrentMultiLineCheckouts() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await Self.open(harness, mugs: 20, tea: ["MSK-1": 3, "SPB-1": 2])
            var customers: [Metadata] = []
            for index in 0..<20 {
                let customer = try await shop.customer("c\(index)@example.com", mugs: 1)
                try await Self.setLine(shop, customer, sku: "TEA-200", quantity: 1)
                customers.append(customer)
            }
            let outcomes = try await withThrowingTaskGroup(of: RPCError.Code?.self) { group in
                for (index, customer) in customers.enumerated() {
                    group.addTask {
                        await rpcError { _ = try await shop.place(customer, key: "checkout-\(index)") }?.code
                    }
                }
                var outcomes: [RPCError.Code?] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            #expect(outcomes.filter { $0 == nil }.count == 5)
            #expect(outcomes.filter { $0 == .failedPrecondition }.count == 15)
            #expect(try await shop.stock() == (20, 5), "a refused order's mug is given back")
            #expect(try await Self.levels(shop, "TEA-200") == ["MSK-1": [3, 3], "SPB-1": [2, 2]])
            let orders = try await harness.orders.listOrders(.init(), metadata: shop.admin).orders
            #expect(orders.count == 5)
            #expect(orders.allSatisfy { $0.lines.map(\.sku) == ["MUG-350", "TEA-200"] })
            #expect(try await OrderEventTests.backlog(shop).count == 5)
        }
    }
}

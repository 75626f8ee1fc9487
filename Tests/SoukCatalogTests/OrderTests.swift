import GRPCCore
import SoukAPI
import SoukDomain
import SoukHost
import SoukIdentity
import Synchronization
import TestSupport
import Testing

/// A shop with one published mug (1290.00 RUB / 14.99 USD) and `stock` units of it in MSK-1.
struct MugShop {
    let harness: IdentityHarness
    let admin: Metadata

    static func open(_ harness: IdentityHarness, stock: Int32 = 5) async throws -> MugShop {
        let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
        var kitchen = Souk_Catalog_V1_CreateCategoryRequest()
        kitchen.name = "Kitchen"
        kitchen.slug = "kitchen"
        let category = try await harness.catalog.createCategory(kitchen, metadata: admin)
        let product = try await harness.catalog.createProduct(
            CatalogServiceTests.mug(category: category.id),
            metadata: admin
        )
        var publish = Souk_Catalog_V1_PublishProductRequest()
        publish.productID = product.id
        _ = try await harness.catalog.publishProduct(publish, metadata: admin)
        var set = Souk_Catalog_V1_SetStockRequest()
        set.sku = "MUG-350"
        set.warehouse = "MSK-1"
        set.onHand = stock
        _ = try await harness.catalog.setStock(set, metadata: admin)
        return MugShop(harness: harness, admin: admin)
    }

    /// Signs a customer up and fills the cart with `quantity` mugs.
    func customer(_ email: String, mugs quantity: Int32 = 2) async throws -> Metadata {
        let customer = IdentityHarness.bearer(try await self.harness.customer(email: email).accessToken)
        try await self.fill(customer, mugs: quantity)
        return customer
    }

    func fill(_ customer: Metadata, mugs quantity: Int32) async throws {
        var line = Souk_Catalog_V1_SetCartLineRequest()
        line.sku = "MUG-350"
        line.quantity = quantity
        _ = try await self.harness.catalog.setCartLine(line, metadata: customer)
    }

    func place(_ customer: Metadata, key: String, currency: String = "RUB") async throws -> Souk_Catalog_V1_Order {
        var request = Souk_Catalog_V1_PlaceOrderRequest()
        request.idempotencyKey = key
        request.currency = currency
        return try await self.harness.orders.placeOrder(request, metadata: customer)
    }

    func move(
        _ order: Souk_Catalog_V1_Order,
        to status: Souk_Catalog_V1_OrderStatus,
        note: String = ""
    ) async throws
        -> Souk_Catalog_V1_Order
    {
        var request = Souk_Catalog_V1_UpdateOrderStatusRequest()
        request.orderID = order.id
        request.status = status
        request.note = note
        return try await self.harness.orders.updateOrderStatus(request, metadata: self.admin)
    }

    /// (on hand, reserved) of the mug in MSK-1.
    func stock() async throws -> (Int32, Int32) {
        var request = Souk_Catalog_V1_GetStockRequest()
        request.sku = "MUG-350"
        let level = try await self.harness.catalog.getStock(request, metadata: self.admin).levels.first {
            $0.warehouse == "MSK-1"
        }
        return (level?.onHand ?? -1, level?.reserved ?? -1)
    }
}

@Suite("Orders: placed from the cart with an idempotency key, a state machine with history, events in order")
struct OrderTests {
    @Test("placing prices the cart on the server in the order's currency, records the rate, holds stock")
    func place() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await MugShop.open(harness)
            let ann = try await shop.customer("ann@example.com")
            var cartRequest = Souk_Catalog_V1_GetCartRequest()
            cartRequest.currency = "EUR"
            let cart = try await harness.catalog.getCart(cartRequest, metadata: ann)

            let order = try await shop.place(ann, key: "checkout-1", currency: "EUR")
            #expect(order.status == .pendingPayment)
            #expect(order.total == cart.total, "the total the cart showed")
            #expect(order.total.currency == "EUR")
            #expect(order.lines.map(\.sku) == ["MUG-350"])
            #expect(order.lines.first?.quantity == 2)
            #expect(order.lines.first?.warehouse == "MSK-1")
            // The mug has RUB and USD prices: EUR is converted from the RUB base at a stored rate.
            let rate = try #require(order.rates.first)
            #expect(rate.base == "RUB" && rate.quote == "EUR")
            #expect(!rate.source.isEmpty && !rate.effectiveDate.isEmpty && rate.mantissa > 0)
            #expect(order.history.count == 1)
            #expect(order.history.first?.to == .pendingPayment)
            #expect(order.number > 0)
            #expect(try await shop.stock() == (5, 2), "two units held")
            #expect(try await harness.catalog.getCart(cartRequest, metadata: ann).lines.isEmpty, "the cart is emptied")

            // A merchant's own price needs no rate.
            try await shop.fill(ann, mugs: 1)
            let dollars = try await shop.place(ann, key: "checkout-2", currency: "USD")
            #expect(dollars.total == CatalogServiceTests.price(1_499, "USD"))
            #expect(dollars.rates.isEmpty)
        }
    }

    @Test("the same key and payload returns the same order; another payload with it is refused; bad input named")
    func idempotency() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await MugShop.open(harness)
            let ann = try await shop.customer("ann@example.com")
            let first = try await shop.place(ann, key: "k-1")
            let again = try await shop.place(ann, key: "k-1")
            #expect(again.id == first.id)
            #expect(again.number == first.number)
            #expect(try await shop.stock() == (5, 2), "a retry holds nothing more")

            let otherPayload = await rpcError { _ = try await shop.place(ann, key: "k-1", currency: "USD") }
            #expect(otherPayload?.code == .failedPrecondition)
            #expect(otherPayload?.message.hasPrefix("idempotency_key:") == true)

            // Keys belong to a customer: Bob's "k-1" is his own.
            let bob = try await shop.customer("bob@example.com", mugs: 1)
            #expect(try await shop.place(bob, key: "k-1").id != first.id)

            let empty = await rpcError { _ = try await shop.place(ann, key: "k-2") }
            #expect(empty?.code == .failedPrecondition)
            #expect(empty?.message.hasPrefix("cart:") == true)
            try await shop.fill(ann, mugs: 1)
            // An empty currency is not an error: the order is in the customer's preferred one (PreferredCurrencyTests).
            for (key, currency, field) in [("", "RUB", "idempotency_key:"), ("k-3", "XYZ", "currency:")] {
                let error = await rpcError { _ = try await shop.place(ann, key: key, currency: currency) }
                #expect(error?.code == .invalidArgument)
                #expect(error?.message.hasPrefix(field) == true, "\(error?.message ?? "")")
            }
            let tooMany = await rpcError {
                try await shop.fill(ann, mugs: 10)
                _ = try await shop.place(ann, key: "k-4")
            }
            #expect(tooMany?.code == .failedPrecondition)
            #expect(tooMany?.message.hasPrefix("cart: not enough MUG-350") == true)
            #expect(try await shop.stock() == (5, 3), "a refused order holds nothing")
            var cart = Souk_Catalog_V1_GetCartRequest()
            cart.currency = "RUB"
            #expect(try await harness.catalog.getCart(cart, metadata: ann).lines.first?.quantity == 10, "cart kept")
        }
    }

    @Test("transitions the state machine allows, each in the history with who; payment takes the stock")
    func stateMachine() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await MugShop.open(harness)
            let ann = try await shop.customer("ann@example.com")
            var order = try await shop.place(ann, key: "k-1")
            order = try await shop.move(order, to: .paid, note: "paid by card")
            #expect(try await shop.stock() == (3, 0), "payment takes the held units out of stock")
            let forbidden = await rpcError { _ = try await shop.move(order, to: .shipped) }
            #expect(forbidden?.code == .failedPrecondition)
            #expect(forbidden?.message.contains("allowed: packed, refunded") == true)
            let cancelPaid = await rpcError { _ = try await shop.move(order, to: .cancelled) }
            #expect(cancelPaid?.code == .failedPrecondition)
            order = try await shop.move(order, to: .packed)
            let retried = try await shop.move(order, to: .packed)
            #expect(retried.history.count == order.history.count, "moving to the current status changes nothing")
            order = try await shop.move(order, to: .shipped)
            order = try await shop.move(order, to: .delivered)
            order = try await shop.move(order, to: .refunded)
            let final = await rpcError { _ = try await shop.move(order, to: .paid) }
            #expect(final?.message.contains("final") == true)
            #expect(
                order.history.map(\.to) == [.pendingPayment, .paid, .packed, .shipped, .delivered, .refunded]
            )
            #expect(order.history.dropFirst().map(\.from) == [.pendingPayment, .paid, .packed, .shipped, .delivered])
            #expect(order.history[1].note == "paid by card")
            let adminID = order.history[1].actorAccountID
            #expect(order.history.dropFirst().allSatisfy { $0.actorAccountID == adminID })
            #expect(order.history[0].actorAccountID == order.customerAccountID)
            #expect(order.history.map(\.atUnixMs) == order.history.map(\.atUnixMs).sorted())

            var update = Souk_Catalog_V1_UpdateOrderStatusRequest()
            update.orderID = order.id
            update.status = .packed
            let byCustomer = await rpcError { _ = try await harness.orders.updateOrderStatus(update, metadata: ann) }
            #expect(byCustomer?.code == .permissionDenied)
            update.status = .unspecified
            let noStatus = await rpcError {
                _ = try await harness.orders.updateOrderStatus(update, metadata: shop.admin)
            }
            #expect(noStatus?.code == .invalidArgument)
            update.status = .paid
            update.orderID = "00000000-0000-4000-8000-000000000000"
            let unknown = await rpcError {
                _ = try await harness.orders.updateOrderStatus(update, metadata: shop.admin)
            }
            #expect(unknown?.code == .notFound)
        }
    }

    @Test("an order unpaid past its one-hour stock hold cannot be paid; its units go back to the stock")
    func holdLapses() async throws {
        // Access tokens expire by the same clock: they live longer than the hour stepped here.
        let clock = WallClock.manual()
        let configure: @Sendable (inout HostConfig) -> Void = {
            $0.wallClock = clock
            $0.identity.accessTokenLifetime = .seconds(3 * 3600)
        }
        try await IdentityHarness.with(configure: configure) { harness in
            let shop = try await MugShop.open(harness, stock: 3)
            let ann = try await shop.customer("ann@example.com", mugs: 2)
            let late = try await shop.place(ann, key: "late")
            #expect(try await shop.stock() == (3, 2))
            clock.advance(by: .seconds(59 * 60))
            let bob = try await shop.customer("bob@example.com", mugs: 2)
            #expect(
                await rpcError { _ = try await shop.place(bob, key: "early") }?.code == .failedPrecondition,
                "a minute before the hold lapses, its units are still held"
            )
            clock.advance(by: .seconds(2 * 60))
            let refused = await rpcError { _ = try await shop.move(late, to: .paid) }
            #expect(refused?.code == .failedPrecondition)
            #expect(refused?.message.contains("expired before payment") == true, "\(String(describing: refused))")
            let bobs = try await shop.place(bob, key: "after")
            #expect(try await shop.move(bobs, to: .paid).status == .paid, "the lapsed hold's units were free for bob")
            #expect(try await shop.stock() == (1, 0))
        }
    }

    @Test("a customer cancels an unpaid order and the stock returns; a paid one cannot be cancelled")
    func cancel() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await MugShop.open(harness)
            let ann = try await shop.customer("ann@example.com")
            let order = try await shop.place(ann, key: "k-1")
            var cancel = Souk_Catalog_V1_CancelMyOrderRequest()
            cancel.orderID = order.id
            let bob = try await shop.customer("bob@example.com", mugs: 1)
            #expect(
                await rpcError { _ = try await harness.orders.cancelMyOrder(cancel, metadata: bob) }?.code == .notFound
            )
            let cancelled = try await harness.orders.cancelMyOrder(cancel, metadata: ann)
            #expect(cancelled.status == .cancelled)
            #expect(try await shop.stock() == (5, 0), "the held units are free again")
            #expect(try await harness.orders.cancelMyOrder(cancel, metadata: ann).history.count == 2, "idempotent")

            let paid = try await shop.move(try await shop.place(bob, key: "b-1"), to: .paid)
            cancel.orderID = paid.id
            #expect(
                await rpcError { _ = try await harness.orders.cancelMyOrder(cancel, metadata: bob) }?.code
                    == .failedPrecondition
            )
        }
    }

    @Test("an order is named by its id, its number or an id prefix (cut as a table shows it), a customer's own only")
    func references() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await MugShop.open(harness, stock: 100)
            let ann = try await shop.customer("ann@example.com", mugs: 1)
            let bob = try await shop.customer("bob@example.com", mugs: 1)
            let annOrder = try await shop.place(ann, key: "a-1")
            let bobOrder = try await shop.place(bob, key: "b-1")
            let prefix = String(annOrder.id.prefix(8)) + "…"

            var get = Souk_Catalog_V1_GetOrderRequest()
            for reference in ["\(annOrder.number)", " \(annOrder.number) ", prefix, annOrder.id.uppercased()] {
                get.orderID = reference
                #expect(try await harness.orders.getOrder(get, metadata: shop.admin).id == annOrder.id, "\(reference)")
            }
            get.orderID = prefix
            #expect(try await harness.orders.getOrder(get, metadata: ann).id == annOrder.id)
            // Bob's references to Ann's order find nothing, as her id would.
            for reference in ["\(annOrder.number)", prefix] {
                get.orderID = reference
                let error = await rpcError { _ = try await harness.orders.getOrder(get, metadata: bob) }
                #expect(error?.code == .notFound, "\(reference)")
                #expect(error?.message.contains("order_id") == true)
            }
            get.orderID = "\(bobOrder.number)"
            #expect(try await harness.orders.getOrder(get, metadata: bob).id == bobOrder.id)
            get.orderID = "\(bobOrder.number + 1000)"
            #expect(
                await rpcError { _ = try await harness.orders.getOrder(get, metadata: shop.admin) }?.code == .notFound
            )
            for malformed in ["", "0", "abc12", "not-an-id", "3f2a1b'--", String(repeating: "9", count: 19)] {
                get.orderID = malformed
                let error = await rpcError { _ = try await harness.orders.getOrder(get, metadata: shop.admin) }
                #expect(error?.code == .invalidArgument, "\(malformed)")
                #expect(error?.message.hasPrefix("order_id: ") == true, "\(malformed)")
            }

            var move = Souk_Catalog_V1_UpdateOrderStatusRequest()
            move.orderID = "\(bobOrder.number)"
            move.status = .paid
            #expect(try await harness.orders.updateOrderStatus(move, metadata: shop.admin).id == bobOrder.id)
            var cancel = Souk_Catalog_V1_CancelMyOrderRequest()
            cancel.orderID = prefix
            #expect(
                await rpcError { _ = try await harness.orders.cancelMyOrder(cancel, metadata: bob) }?.code == .notFound
            )
            #expect(try await harness.orders.cancelMyOrder(cancel, metadata: ann).status == .cancelled)
        }
    }

    @Test("customers see only their own orders; staff list and filter all, newest first, in pages")
    func listing() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await MugShop.open(harness, stock: 100)
            let ann = try await shop.customer("ann@example.com", mugs: 1)
            let bob = try await shop.customer("bob@example.com", mugs: 1)
            var annOrders: [Souk_Catalog_V1_Order] = []
            for index in 0..<3 {
                if index > 0 { try await shop.fill(ann, mugs: 1) }
                annOrders.append(try await shop.place(ann, key: "a-\(index)", currency: index == 2 ? "USD" : "RUB"))
            }
            let bobOrder = try await shop.place(bob, key: "b-1")
            _ = try await shop.move(annOrders[0], to: .paid)

            var get = Souk_Catalog_V1_GetOrderRequest()
            get.orderID = annOrders[0].id
            #expect(await rpcError { _ = try await harness.orders.getOrder(get, metadata: bob) }?.code == .notFound)
            #expect(try await harness.orders.getOrder(get, metadata: ann).status == .paid)
            #expect(try await harness.orders.getOrder(get, metadata: shop.admin).id == annOrders[0].id)

            var mine = Souk_Catalog_V1_ListMyOrdersRequest()
            mine.pageSize = 2
            let first = try await harness.orders.listMyOrders(mine, metadata: ann)
            #expect(first.orders.map(\.id) == [annOrders[2].id, annOrders[1].id])
            mine.pageToken = first.nextPageToken
            let second = try await harness.orders.listMyOrders(mine, metadata: ann)
            #expect(second.orders.map(\.id) == [annOrders[0].id])
            #expect(second.nextPageToken.isEmpty)
            #expect(
                await rpcError { _ = try await harness.orders.listOrders(.init(), metadata: ann) }?.code
                    == .permissionDenied
            )

            var all = Souk_Catalog_V1_ListOrdersRequest()
            #expect(try await harness.orders.listOrders(all, metadata: shop.admin).orders.count == 4)
            all.statuses = [.pendingPayment]
            #expect(
                Set(try await harness.orders.listOrders(all, metadata: shop.admin).orders.map(\.id))
                    == Set([annOrders[1].id, annOrders[2].id, bobOrder.id])
            )
            all.customerAccountID = bobOrder.customerAccountID
            #expect(try await harness.orders.listOrders(all, metadata: shop.admin).orders.map(\.id) == [bobOrder.id])
            all = Souk_Catalog_V1_ListOrdersRequest()
            all.currency = "USD"
            #expect(
                try await harness.orders.listOrders(all, metadata: shop.admin).orders.map(\.id) == [annOrders[2].id]
            )
            all = Souk_Catalog_V1_ListOrdersRequest()
            all.placedBeforeUnixMs = annOrders[0].createdAtUnixMs
            #expect(try await harness.orders.listOrders(all, metadata: shop.admin).orders.isEmpty)
            all.placedFromUnixMs = annOrders[0].createdAtUnixMs + 1
            #expect(
                await rpcError { _ = try await harness.orders.listOrders(all, metadata: shop.admin) }?.code
                    == .invalidArgument
            )
            all = Souk_Catalog_V1_ListOrdersRequest()
            all.pageToken = "garbage"
            #expect(
                await rpcError { _ = try await harness.orders.listOrders(all, metadata: shop.admin) }?.code
                    == .invalidArgument
            )
        }
    }

    @Test("a SKU's in_stock, as a visitor reads it: false once orders hold every unit or its warehouse is inactive")
    func skuInStock() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await MugShop.open(harness, stock: 2)
            func inStock() async throws -> Bool {
                let found = try await harness.catalog.searchProducts(.init())
                let product = try #require(found.products.first)
                var get = Souk_Catalog_V1_GetProductRequest()
                get.productID = product.id
                let read = try await harness.catalog.getProduct(get).skus.map(\.inStock)
                #expect(found.products.first?.skus.map(\.inStock) == read, "search and product agree")
                return try #require(read.first as Bool?)
            }
            #expect(try await inStock())
            _ = try await shop.place(try await shop.customer("holder@example.com", mugs: 2), key: "hold-all")
            #expect(try await inStock() == false)
            var more = Souk_Catalog_V1_SetStockRequest()
            more.sku = "MUG-350"
            more.warehouse = "MSK-1"
            more.onHand = 5
            _ = try await harness.catalog.setStock(more, metadata: shop.admin)
            #expect(try await inStock())
            var off = Souk_Catalog_V1_UpdateWarehouseRequest()
            off.code = "MSK-1"
            off.active = false
            _ = try await harness.catalog.updateWarehouse(off, metadata: shop.admin)
            #expect(try await inStock() == false)
        }
    }

    @Test("50 concurrent checkouts for 10 units: exactly 10 orders, the rest refused, nothing oversold")
    func concurrentCheckouts() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await MugShop.open(harness, stock: 10)
            var customers: [Metadata] = []
            for index in 0..<50 { customers.append(try await shop.customer("c\(index)@example.com", mugs: 1)) }
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
            #expect(outcomes.filter { $0 == nil }.count == 10)
            #expect(outcomes.filter { $0 == .failedPrecondition }.count == 40)
            #expect(try await shop.stock() == (10, 10))
            #expect(try await harness.orders.listOrders(.init(), metadata: shop.admin).orders.count == 10)
        }
    }
}

import GRPCCore
import SoukAPI
import TestSupport
import Testing

@Suite("Order events: the outbox in commit order, followed from a position; staff watch orders live")
struct OrderEventTests {
    /// Every event after `position` (the backlog only).
    static func backlog(_ shop: MugShop, after position: Int64 = 0) async throws -> [Souk_Catalog_V1_DomainEvent] {
        var request = Souk_Catalog_V1_StreamEventsRequest()
        request.afterPosition = position
        return try await shop.harness.orders.streamEvents(request, metadata: shop.admin) { response in
            var events: [Souk_Catalog_V1_DomainEvent] = []
            for try await event in response.messages { events.append(event) }
            return events
        }
    }

    static func options(timeout: Duration) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout
        return options
    }

    @Test("each order change is one event with the order as it became; a consumer resumes after its position")
    func backlogAndResume() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await MugShop.open(harness)
            let ann = try await shop.customer("ann@example.com")
            let order = try await shop.place(ann, key: "k-1")
            _ = try await shop.place(ann, key: "k-1")  // a retry writes no event
            let paid = try await shop.move(order, to: .paid)
            _ = try await shop.move(paid, to: .paid)  // neither does a repeated move

            let events = try await Self.backlog(shop)
            #expect(events.map(\.type) == ["order.placed", "order.status_changed"])
            #expect(events.map(\.aggregateID) == [order.id, order.id])
            #expect(events[0].position < events[1].position)
            #expect(events[0].order.status == .pendingPayment)
            #expect(events[1].order == paid)
            #expect(try await Self.backlog(shop, after: events[0].position).map(\.position) == [events[1].position])
            #expect(try await Self.backlog(shop, after: events[1].position).isEmpty)

            var bad = Souk_Catalog_V1_StreamEventsRequest()
            bad.afterPosition = -1
            let negative = await rpcError {
                _ = try await harness.orders.streamEvents(bad, metadata: shop.admin) { response in
                    for try await _ in response.messages {}
                }
            }
            #expect(negative?.code == .invalidArgument)
            let customer = await rpcError {
                _ = try await harness.orders.streamEvents(.init(), metadata: ann) { response in
                    for try await _ in response.messages {}
                }
            }
            #expect(customer?.code == .permissionDenied)
        }
    }

    @Test("a following consumer gets every event of concurrent checkouts once, in position order")
    func followConcurrent() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await MugShop.open(harness, stock: 100)
            var customers: [Metadata] = []
            for index in 0..<12 { customers.append(try await shop.customer("c\(index)@example.com", mugs: 1)) }
            var request = Souk_Catalog_V1_StreamEventsRequest()
            request.follow = true
            let follow = request
            let options = Self.options(timeout: .seconds(60))
            let followed = try await withThrowingTaskGroup(of: [Souk_Catalog_V1_DomainEvent].self) { group in
                group.addTask {
                    try await harness.orders.streamEvents(follow, metadata: shop.admin, options: options) { response in
                        var events: [Souk_Catalog_V1_DomainEvent] = []
                        for try await event in response.messages {
                            events.append(event)
                            if events.count == 24 { break }
                        }
                        return events
                    }
                }
                for (index, customer) in customers.enumerated() {
                    group.addTask {
                        let order = try await shop.place(customer, key: "k-\(index)")
                        _ = try await shop.move(order, to: .paid)
                        return []
                    }
                }
                var followed: [Souk_Catalog_V1_DomainEvent] = []
                for try await events in group where !events.isEmpty { followed = events }
                return followed
            }
            let positions = followed.map(\.position)
            #expect(positions == positions.sorted() && Set(positions).count == 24, "in order, none twice")
            #expect(positions == (try await Self.backlog(shop)).map(\.position), "none missed")
            for order in Set(followed.map(\.aggregateID)) {
                #expect(
                    followed.filter { $0.aggregateID == order }.map(\.type) == ["order.placed", "order.status_changed"]
                )
            }
        }
    }

    @Test("staff watching see a new order and its status change live; customers may not watch")
    func watch() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await MugShop.open(harness)
            let ann = try await shop.customer("ann@example.com")
            let options = Self.options(timeout: .seconds(30))
            // The response headers come once the watch has its starting point: wait for them, not for a time.
            let (opened, open) = AsyncStream<Void>.makeStream()
            let seen = try await withThrowingTaskGroup(of: [Souk_Catalog_V1_OrderUpdate].self) { group in
                group.addTask {
                    try await harness.orders.watchOrders(.init(), metadata: shop.admin, options: options) { response in
                        open.yield()
                        open.finish()
                        var updates: [Souk_Catalog_V1_OrderUpdate] = []
                        for try await update in response.messages {
                            updates.append(update)
                            if update.type == "order.status_changed" { break }
                        }
                        return updates
                    }
                }
                group.addTask {
                    for await _ in opened { break }
                    _ = try await shop.move(try await shop.place(ann, key: "k-1"), to: .paid)
                    return []
                }
                var seen: [Souk_Catalog_V1_OrderUpdate] = []
                for try await updates in group where !updates.isEmpty { seen = updates }
                return seen
            }
            #expect(seen.last?.order.status == .paid)
            #expect(seen.map(\.type).suffix(2) == ["order.placed", "order.status_changed"])
            let customer = await rpcError {
                _ = try await harness.orders.watchOrders(.init(), metadata: ann) { response in
                    for try await _ in response.messages {}
                }
            }
            #expect(customer?.code == .permissionDenied)
        }
    }
}

import Foundation
import GRPCCore
import Logging
import PostgresNIO
import SoukAPI
import SoukAnalytics
import SoukClient
import TestSupport
import Testing

/// `souk-worker follow`'s order follower against a running host: the orders' events reach the analytics schema
/// once each, through the public order service as a service account with `events.read`.
@Suite("Analytics: following the orders' events")
struct OrderFollowerTests {
    static let logger = Logger(label: "test")

    @Test("every order arrives once, status changes update it, and passes after a restart repeat nothing")
    func followsOrders() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            try await MugShop.stockMug(harness.catalog, admin: admin)
            let read = try await Self.eventReader(harness, admin: admin, scopes: ["events.read"])
            let ann = IdentityHarness.bearer(try await harness.customer(email: "ann@souk.example").accessToken)
            let bob = IdentityHarness.bearer(try await harness.customer(email: "bob@souk.example").accessToken)
            let first = try await MugShop.orderMugs(
                2,
                currency: "USD",
                customer: ann,
                key: "a1",
                catalog: harness.catalog,
                orders: harness.orders
            )
            let second = try await MugShop.orderMugs(
                1,
                currency: "RUB",
                customer: bob,
                key: "b1",
                catalog: harness.catalog,
                orders: harness.orders
            )

            try await TestDatabase.withClient(harness.databaseURL) { client in
                let store = AnalyticsStore(client: client, logger: Self.logger)
                try await store.migrate()
                let follower = OrderEventFollower(store: store, read: read)

                let pass = try await follower.pass()
                #expect(pass.applied == 2 && pass.skipped == 0 && pass.repeated == 0)
                #expect(pass.position > 0)
                let rows = try await Self.orders(client)
                #expect(
                    rows
                        == [
                            .init(
                                order: first.id.uppercased(),
                                customer: first.customerAccountID.uppercased(),
                                currency: "USD",
                                status: "pending_payment",
                                total: 2998,
                                mugs: 2
                            ),
                            .init(
                                order: second.id.uppercased(),
                                customer: second.customerAccountID.uppercased(),
                                currency: "RUB",
                                status: "pending_payment",
                                total: 129_000,
                                mugs: 1
                            ),
                        ].sorted { $0.order < $1.order }
                )

                // Nothing new: nothing applied, the position stays.
                let idle = try await follower.pass()
                #expect(idle == .init(applied: 0, skipped: 0, repeated: 0, position: pass.position))

                // A status change updates the order in place.
                var cancel = Souk_Catalog_V1_CancelMyOrderRequest()
                cancel.orderID = first.id
                _ = try await harness.orders.cancelMyOrder(cancel, metadata: ann)
                let later = try await follower.pass()
                #expect(later.applied == 1 && later.position > pass.position)
                let cancelled = try await Self.orders(client).first { $0.order == first.id.uppercased() }
                #expect(cancelled?.status == "cancelled" && cancelled?.mugs == 2)

                // A follower that died after committing and reads the backlog again (a stale position) repeats
                // nothing: each event is applied with its position in one transaction.
                let stale = OrderEventFollower(store: store) { _ in try await read(0) }
                let again = try await stale.pass()
                #expect(again.applied == 0 && again.repeated == 3)
                #expect(try await Self.orders(client).count == 2)
                let progress = try await store.progress(of: OrderEventFollower.stream)
                #expect(progress == .init(position: later.position, applied: 3, skipped: 0))
            }
        }
    }

    @Test("a service account without events.read is refused, and the position does not move")
    func refusedWithoutScope() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let read = try await Self.eventReader(harness, admin: admin, scopes: ["warehouses.read"])
            try await TestDatabase.withClient(harness.databaseURL) { client in
                let store = AnalyticsStore(client: client, logger: Self.logger)
                try await store.migrate()
                let error = await rpcError { _ = try await OrderEventFollower(store: store, read: read).pass() }
                #expect(error?.code == .permissionDenied)
                #expect(try await store.progress(of: OrderEventFollower.stream).position == 0)
            }
        }
    }

    @Test("events of unknown types and orders with no usable ids are skipped and counted, never fatal")
    func skipsUnknown() async throws {
        try await TestDatabase.withFresh { _, client in
            let store = AnalyticsStore(client: client, logger: Self.logger)
            try await store.migrate()
            var unknown = Souk_Catalog_V1_DomainEvent()
            unknown.position = 4
            unknown.type = "order.gift_wrapped"
            var unkeyed = Souk_Catalog_V1_DomainEvent()
            unkeyed.position = 9
            unkeyed.type = "order.placed"
            unkeyed.order.id = "not a uuid"
            let events = [unknown, unkeyed]
            let pass = try await OrderEventFollower(store: store) { after in events.filter { $0.position > after } }
                .pass()
            #expect(pass == .init(applied: 0, skipped: 2, repeated: 0, position: 9))
            #expect(
                try await store.progress(of: OrderEventFollower.stream) == .init(position: 9, applied: 0, skipped: 2)
            )
            #expect(try await Self.orders(client).isEmpty)
        }
    }

    /// Reads the orders' events as a new service account with `scopes`, through the public client's
    /// client-credentials token source.
    static func eventReader(
        _ harness: IdentityHarness,
        admin: Metadata,
        scopes: [String]
    ) async throws -> OrderEventFollower.ReadEvents {
        var create = Souk_Identity_V1_CreateServiceAccountRequest()
        create.name = "analytics-" + scopes.joined(separator: "-").replacingOccurrences(of: ".", with: "-")
        create.scopes = scopes
        let account = try await harness.identity.createServiceAccount(create, metadata: admin)
        let identity = harness.identity
        let tokens = ClientCredentialsTokenSource(clientID: account.clientID, clientSecret: account.clientSecret) {
            request in try await identity.clientCredentials(request)
        }
        let orders = harness.orders
        return { after in
            var request = Souk_Catalog_V1_StreamEventsRequest()
            request.afterPosition = after
            let metadata = IdentityHarness.bearer(try await tokens.accessToken())
            return try await orders.streamEvents(request, metadata: metadata) { response in
                var events: [Souk_Catalog_V1_DomainEvent] = []
                for try await event in response.messages { events.append(event) }
                return events
            }
        }
    }

    struct OrderRow: Hashable {
        var order: String
        var customer: String
        var currency: String
        var status: String
        var total: Int64
        var mugs: Int64
    }

    /// The analytics orders with their lines' quantities, by order id.
    static func orders(_ client: PostgresClient) async throws -> [OrderRow] {
        let rows = try await client.query(
            """
            SELECT o.order_id::text, o.customer_id::text, o.currency, o.status, o.total_minor,
                   coalesce((SELECT sum(quantity) FROM analytics.order_lines l WHERE l.order_id = o.order_id), 0)::bigint
            FROM analytics.orders o ORDER BY o.order_id
            """,
            logger: Self.logger
        )
        var result: [OrderRow] = []
        for try await (order, customer, currency, status, total, mugs) in rows.decode(
            (String, String, String, String, Int64, Int64).self
        ) {
            result.append(
                OrderRow(
                    order: order.uppercased(),
                    customer: customer.uppercased(),
                    currency: currency,
                    status: status,
                    total: total,
                    mugs: mugs
                )
            )
        }
        return result
    }
}

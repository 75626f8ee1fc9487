import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
import SoukAnalytics
import SoukGA4
import SoukLocalProviders
import SoukRetry
import TestSupport
import Testing

@Suite("GA4: the export and its position in PostgreSQL")
struct GA4ExportTests {
    static let measurementID = "G-TEST1"
    static let logger = Logger(label: "test")

    /// Writes an order and its lines into the analytics schema as `follow` would have.
    static func insertOrder(
        _ client: PostgresClient,
        id: UUID = UUID(),
        customer: UUID,
        status: String,
        currency: String = "RUB",
        lines: [(sku: String, quantity: Int32, unit: Int64)],
        placedAt: Date,
        updatedAt: Date? = nil
    ) async throws -> UUID {
        let total = lines.reduce(Int64(0)) { $0 + Int64($1.quantity) * $1.unit }
        let updated = updatedAt ?? placedAt
        try await client.query(
            """
            INSERT INTO analytics.orders (
                order_id, number, customer_id, status, currency, goods_total_minor, total_minor, country, region,
                placed_at, updated_at)
            VALUES (\(id), 1, \(customer), \(status), \(currency), \(total), \(total), 'RU', '', \(placedAt), \(updated))
            """,
            logger: Self.logger
        )
        for (index, line) in lines.enumerated() {
            try await client.query(
                """
                INSERT INTO analytics.order_lines (order_id, line, sku, quantity, unit_price_minor, line_total_minor)
                VALUES (\(id), \(Int32(index + 1)), \(line.sku), \(line.quantity), \(line.unit),
                        \(Int64(line.quantity) * line.unit))
                """,
                logger: Self.logger
            )
        }
        return id
    }

    static func setStatus(_ client: PostgresClient, _ id: UUID, _ status: String, at: Date) async throws {
        try await client.query(
            "UPDATE analytics.orders SET status = \(status), updated_at = \(at) WHERE order_id = \(id)",
            logger: Self.logger
        )
    }

    static func export(_ store: AnalyticsStore, _ server: LocalGA4Server) -> GA4Export {
        GA4Export(
            store: store,
            client: GA4Client(
                httpClient: .shared,
                config: .init(
                    endpoint: server.baseURL,
                    measurementID: Self.measurementID,
                    apiSecret: GA4Secret("local-ga4-secret"),
                    retries: GA4Retries(maxAttempts: 3, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(4))
                ),
                clock: RecordingClock()
            ),
            clientIDs: GA4ClientID(key: GA4Secret("0123456789abcdef")),
            config: .init(measurementID: Self.measurementID)
        )
    }

    @Test("what is pending: paid orders' purchases; refunds only once their purchase was sent; never twice")
    func pending() async throws {
        try await TestDatabase.withFresh { _, client in
            let store = AnalyticsStore(client: client, logger: Self.logger)
            try await store.migrate()
            let now = Date()
            let customer = UUID()
            let paid = try await Self.insertOrder(
                client,
                customer: customer,
                status: "delivered",
                lines: [("A", 1, 100)],
                placedAt: now
            )
            _ = try await Self.insertOrder(
                client,
                customer: customer,
                status: "pending_payment",
                lines: [("B", 1, 100)],
                placedAt: now
            )
            _ = try await Self.insertOrder(
                client,
                customer: customer,
                status: "cancelled",
                lines: [("C", 1, 100)],
                placedAt: now
            )
            let refunded = try await Self.insertOrder(
                client,
                customer: customer,
                status: "refunded",
                lines: [("D", 2, 150), ("E", 1, 5)],
                placedAt: now.addingTimeInterval(-60),
                updatedAt: now
            )

            var pending = try await store.pendingGA4Exports(measurementID: Self.measurementID, limit: 100)
            #expect(pending.map(\.orderID) == [refunded, paid])
            #expect(pending.allSatisfy { $0.event == .purchase })
            #expect(pending[0].lines.map(\.sku) == ["D", "E"])
            #expect(pending[0].valueMinor == 305)

            try await store.recordGA4Exports(
                [.init(orderID: refunded, event: .purchase, outcome: .sent)],
                measurementID: Self.measurementID,
                at: now
            )
            pending = try await store.pendingGA4Exports(measurementID: Self.measurementID, limit: 100)
            #expect(pending.map { "\($0.orderID) \($0.event)" } == ["\(paid) purchase", "\(refunded) refund"])
            // Another property has its own position.
            #expect(try await store.pendingGA4Exports(measurementID: "G-OTHER", limit: 100).count == 2)

            // A paid order cancelled after its purchase was sent becomes a refund.
            try await store.recordGA4Exports(
                [
                    .init(orderID: paid, event: .purchase, outcome: .sent),
                    .init(orderID: refunded, event: .refund, outcome: .sent),
                    // A repeated record (a crash between Google's answer and the commit) changes nothing.
                    .init(orderID: refunded, event: .purchase, outcome: .rejected),
                ],
                measurementID: Self.measurementID,
                at: now
            )
            #expect(try await store.pendingGA4Exports(measurementID: Self.measurementID, limit: 100).isEmpty)
            try await Self.setStatus(client, paid, "cancelled", at: now)
            pending = try await store.pendingGA4Exports(measurementID: Self.measurementID, limit: 100)
            #expect(pending.map { "\($0.orderID) \($0.event)" } == ["\(paid) refund"])
            let counts = try await store.ga4ExportCounts(measurementID: Self.measurementID)
            #expect(counts[.purchase]?[.sent] == 2)
            #expect(counts[.refund]?[.sent] == 1)
        }
    }

    @Test("end to end: analytics rows become recorded GA4 events once; a second run sends nothing")
    func endToEnd() async throws {
        try await TestDatabase.withFresh { _, client in
            let store = AnalyticsStore(client: client, logger: Self.logger)
            try await store.migrate()
            let now = Date()
            let alice = UUID()
            let bob = UUID()
            var orders: [UUID] = []
            // 30 orders of Alice's: two requests (25 + 5); one of Bob's in yen, one in dinars, refunded.
            for index in 0..<30 {
                orders.append(
                    try await Self.insertOrder(
                        client,
                        customer: alice,
                        status: "paid",
                        lines: [("SKU-\(index)", 1, 1_999)],
                        placedAt: now.addingTimeInterval(-Double(3600 - index))
                    )
                )
            }
            let yen = try await Self.insertOrder(
                client,
                customer: bob,
                status: "shipped",
                currency: "JPY",
                lines: [("TEA", 3, 1_000)],
                placedAt: now.addingTimeInterval(-100)
            )
            let dinars = try await Self.insertOrder(
                client,
                customer: bob,
                status: "refunded",
                currency: "KWD",
                lines: [("LAMP", 1, 12_345)],
                placedAt: now.addingTimeInterval(-90),
                updatedAt: now.addingTimeInterval(-10)
            )
            // Placed four days ago: too old to back-date, recorded as stale.
            let old = try await Self.insertOrder(
                client,
                customer: bob,
                status: "delivered",
                lines: [("OLD", 1, 100)],
                placedAt: now.addingTimeInterval(-96 * 3600)
            )

            try await LocalGA4Server.withLocalGA4 { server in
                server.failNext(2, status: 502)
                let summary = try await Self.export(store, server).run()
                #expect(summary.sent == 33)
                #expect(summary.stale == 1)
                #expect(summary.rejected == 0)
                let recorded = server.recorded
                #expect(recorded.filter { $0.name == "purchase" }.count == 32)
                #expect(
                    recorded.filter { $0.name == "refund" }.map(\.transactionID) == [dinars.uuidString.lowercased()]
                )
                #expect(
                    Set(recorded.compactMap(\.transactionID))
                        == Set((orders + [yen, dinars]).map { $0.uuidString.lowercased() })
                )
                #expect(!recorded.contains { $0.transactionID == old.uuidString.lowercased() })
                let yenEvent = try #require(recorded.first { $0.transactionID == yen.uuidString.lowercased() })
                #expect(yenEvent.value == 3000 && yenEvent.currency == "JPY")
                #expect(yenEvent.items == [.init(itemID: "TEA", quantity: 3, price: 1000)])
                #expect(server.collectBodies.contains { $0.contains(#""value":12.345"#) })
                // One client per customer, never the customer's id.
                #expect(Set(recorded.map(\.clientID)).count == 2)
                #expect(!recorded.contains { $0.clientID.contains(alice.uuidString.lowercased()) })
                // Alice's 30 purchases in requests of at most 25.
                let collects = server.requests.filter { $0.path == "/mp/collect" && $0.status == 204 }
                #expect(collects.count == 4)  // Alice 25 + 5, Bob's purchases, Bob's refund (a later pass).

                let before = server.requests.count
                let again = try await Self.export(store, server).run()
                #expect(again.isEmpty)
                #expect(server.requests.count == before)
                #expect(server.recorded.count == 33)
            }
        }
    }

    @Test("a batch the debug endpoint refuses is never sent, is counted and recorded with its message")
    func debugRejection() async throws {
        try await TestDatabase.withFresh { _, client in
            let store = AnalyticsStore(client: client, logger: Self.logger)
            try await store.migrate()
            let now = Date()
            let customer = UUID()
            let bad = try await Self.insertOrder(
                client,
                customer: customer,
                status: "paid",
                lines: [(String(repeating: "S", count: 120), 1, 100)],
                placedAt: now.addingTimeInterval(-60)
            )
            // The same customer's other order is in the refused batch, and is sent alone after its own check.
            let sibling = try await Self.insertOrder(
                client,
                customer: customer,
                status: "paid",
                lines: [("FINE", 2, 300)],
                placedAt: now.addingTimeInterval(-50)
            )
            let good = try await Self.insertOrder(
                client,
                customer: UUID(),
                status: "paid",
                lines: [("OK", 1, 100)],
                placedAt: now.addingTimeInterval(-30)
            )
            try await LocalGA4Server.withLocalGA4 { server in
                let summary = try await Self.export(store, server).run()
                #expect(summary.sent == 2)
                #expect(summary.rejected == 1)
                #expect(
                    Set(server.recorded.compactMap(\.transactionID))
                        == Set([sibling, good].map { $0.uuidString.lowercased() })
                )
                // Never a collect with the refused order in it.
                #expect(!server.collectBodies.contains { $0.contains(bad.uuidString.lowercased()) })
                #expect(server.requests.filter { $0.path == "/mp/collect" }.count == 2)
                let rows = try await client.query(
                    """
                    SELECT outcome, message FROM analytics.ga4_exports
                    WHERE order_id = \(bad) AND measurement_id = \(Self.measurementID)
                    """,
                    logger: Self.logger
                )
                var found: [(String, String)] = []
                for try await row in rows.decode((String, String).self) { found.append(row) }
                #expect(found.count == 1)
                #expect(found.first?.0 == "rejected")
                #expect(found.first?.1.contains("items[0].item_id") == true)
                // Not retried on the next run.
                #expect(try await Self.export(store, server).run().isEmpty)
            }
        }
    }
}

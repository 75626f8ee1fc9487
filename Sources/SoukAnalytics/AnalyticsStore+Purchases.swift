import Foundation
import PostgresNIO
import SoukStorage

extension AnalyticsStore {
    /// One order line as the recommendation build reads it.
    package struct PurchasedLine: Sendable, Hashable {
        /// The customer's id, a lower-case UUID.
        package var customer: String
        /// The order's id, a lower-case UUID.
        package var order: String
        package var sku: String
        package var quantity: Int
        /// When the order was placed, in seconds since 1970.
        package var placedAt: Int64

        package init(customer: String, order: String, sku: String, quantity: Int, placedAt: Int64) {
            self.customer = customer
            self.order = order
            self.sku = sku
            self.quantity = quantity
            self.placedAt = placedAt
        }
    }

    /// The statuses of orders that count as bought: every order except a cancelled or a refunded one.
    package static let excludedStatuses = ["cancelled", "refunded"]

    /// Calls `body` with every line of every order that counts as bought, in order of customer, time and order,
    /// streamed from one query so that millions of lines are never all in PostgreSQL's answer buffer at once.
    package func forEachPurchasedLine(_ body: (PurchasedLine) throws -> Void) async throws {
        try await self.client.withConnection { connection in
            let rows = try await connection.guardedQuery(
                """
                SELECT o.customer_id, o.order_id, l.sku, l.quantity, o.placed_at
                FROM analytics.orders o JOIN analytics.order_lines l ON l.order_id = o.order_id
                WHERE o.status <> ALL(\(Self.excludedStatuses))
                ORDER BY o.customer_id, o.placed_at, o.order_id, l.line
                """,
                logger: self.logger
            )
            for try await (customer, order, sku, quantity, placedAt) in rows.decode(
                (UUID, UUID, String, Int32, Date).self
            ) {
                try body(
                    PurchasedLine(
                        customer: customer.uuidString.lowercased(),
                        order: order.uuidString.lowercased(),
                        sku: sku,
                        quantity: Int(quantity),
                        placedAt: Int64(placedAt.timeIntervalSince1970.rounded(.down))
                    )
                )
            }
        }
    }
}

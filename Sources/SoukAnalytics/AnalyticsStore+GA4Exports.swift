package import Foundation
import PostgresNIO
import SoukStorage

extension AnalyticsStore {
    /// A purchase or a refund that has not been exported to a GA4 property yet, with what its event needs.
    package struct GA4Candidate: Sendable, Hashable {
        /// The Measurement Protocol event it becomes.
        package enum Event: String, Sendable, Hashable {
            case purchase
            case refund
        }

        /// One order line: SKU, quantity and prices in minor units.
        package struct Line: Sendable, Hashable {
            package var sku: String
            package var quantity: Int
            package var unitPriceMinor: Int64
            package var lineTotalMinor: Int64

            package init(sku: String, quantity: Int, unitPriceMinor: Int64, lineTotalMinor: Int64) {
                self.sku = sku
                self.quantity = quantity
                self.unitPriceMinor = unitPriceMinor
                self.lineTotalMinor = lineTotalMinor
            }
        }

        package var orderID: UUID
        package var customerID: UUID
        package var event: Event
        /// ISO 4217 code.
        package var currency: String
        /// The goods' total in minor units (shipping left out, as GA4's `value` wants).
        package var valueMinor: Int64
        /// When it happened: the order's placing for a purchase, its last change for a refund.
        package var occurredAt: Date
        package var lines: [Line]

        package init(
            orderID: UUID,
            customerID: UUID,
            event: Event,
            currency: String,
            valueMinor: Int64,
            occurredAt: Date,
            lines: [Line]
        ) {
            self.orderID = orderID
            self.customerID = customerID
            self.event = event
            self.currency = currency
            self.valueMinor = valueMinor
            self.occurredAt = occurredAt
            self.lines = lines
        }
    }

    /// What became of an exported event.
    package enum GA4Outcome: String, Sendable, Hashable, CaseIterable {
        /// Google's collect endpoint answered 2xx.
        case sent
        /// The debug endpoint refused the batch: never sent, kept with the message.
        case rejected
        /// Older than an event may be back-dated: never sent.
        case stale
    }

    /// One outcome to record.
    package struct GA4Record: Sendable, Hashable {
        package var orderID: UUID
        package var event: GA4Candidate.Event
        package var outcome: GA4Outcome
        package var message: String

        package init(orderID: UUID, event: GA4Candidate.Event, outcome: GA4Outcome, message: String = "") {
            self.orderID = orderID
            self.event = event
            self.outcome = outcome
            self.message = message
        }
    }

    /// The statuses of orders that were paid: their purchase is exported.
    package static let paidStatuses = ["paid", "packed", "shipped", "delivered", "refunded"]

    /// Up to `limit` purchases and up to `limit` refunds not yet recorded for `measurementID`, oldest first.
    ///
    /// A purchase is an order that reached payment (``paidStatuses``). A refund is a refunded order, or one
    /// cancelled after its purchase was sent (analytics keeps no payment facts, so a cancelled order whose purchase
    /// was never sent is left alone: it may never have been paid); it is a candidate only once its purchase was sent,
    /// so GA4 never sees a refund before its purchase.
    package func pendingGA4Exports(measurementID: String, limit: Int) async throws -> [GA4Candidate] {
        var candidates: [GA4Candidate] = []
        let purchases = try await self.client.guardedQuery(
            """
            SELECT o.order_id, o.customer_id, o.currency, o.goods_total_minor, o.placed_at
            FROM analytics.orders o
            WHERE o.status = ANY(\(Self.paidStatuses))
              AND NOT EXISTS (
                SELECT 1 FROM analytics.ga4_exports e
                WHERE e.measurement_id = \(measurementID) AND e.order_id = o.order_id AND e.event = 'purchase')
            ORDER BY o.placed_at, o.order_id
            LIMIT \(Int64(limit))
            """,
            logger: self.logger
        )
        for try await (order, customer, currency, value, at) in purchases.decode(
            (UUID, UUID, String, Int64, Date).self
        ) {
            candidates.append(
                GA4Candidate(
                    orderID: order,
                    customerID: customer,
                    event: .purchase,
                    currency: currency,
                    valueMinor: value,
                    occurredAt: at,
                    lines: []
                )
            )
        }
        let refunds = try await self.client.guardedQuery(
            """
            SELECT o.order_id, o.customer_id, o.currency, o.goods_total_minor, o.updated_at
            FROM analytics.orders o
            WHERE o.status IN ('refunded', 'cancelled')
              AND EXISTS (
                SELECT 1 FROM analytics.ga4_exports e
                WHERE e.measurement_id = \(measurementID) AND e.order_id = o.order_id AND e.event = 'purchase'
                  AND e.outcome = 'sent')
              AND NOT EXISTS (
                SELECT 1 FROM analytics.ga4_exports e
                WHERE e.measurement_id = \(measurementID) AND e.order_id = o.order_id AND e.event = 'refund')
            ORDER BY o.updated_at, o.order_id
            LIMIT \(Int64(limit))
            """,
            logger: self.logger
        )
        for try await (order, customer, currency, value, at) in refunds.decode((UUID, UUID, String, Int64, Date).self) {
            candidates.append(
                GA4Candidate(
                    orderID: order,
                    customerID: customer,
                    event: .refund,
                    currency: currency,
                    valueMinor: value,
                    occurredAt: at,
                    lines: []
                )
            )
        }
        guard !candidates.isEmpty else { return [] }
        let ids = Array(Set(candidates.map(\.orderID)))
        let rows = try await self.client.guardedQuery(
            """
            SELECT order_id, sku, quantity, unit_price_minor, line_total_minor FROM analytics.order_lines
            WHERE order_id = ANY(\(ids)) ORDER BY order_id, line
            """,
            logger: self.logger
        )
        var lines: [UUID: [GA4Candidate.Line]] = [:]
        for try await (order, sku, quantity, unit, total) in rows.decode((UUID, String, Int32, Int64, Int64).self) {
            lines[order, default: []].append(
                GA4Candidate.Line(sku: sku, quantity: Int(quantity), unitPriceMinor: unit, lineTotalMinor: total)
            )
        }
        for index in candidates.indices { candidates[index].lines = lines[candidates[index].orderID] ?? [] }
        return candidates
    }

    /// Records `records` for `measurementID` in one transaction; a record already there is kept (a rerun after a
    /// crash between Google's answer and this write).
    package func recordGA4Exports(_ records: [GA4Record], measurementID: String, at now: Date) async throws {
        guard !records.isEmpty else { return }
        try await self.client.guardedQuery(
            """
            INSERT INTO analytics.ga4_exports (measurement_id, order_id, event, outcome, message, exported_at)
            SELECT \(measurementID), order_id, event, outcome, message, \(now)
            FROM unnest(\(records.map(\.orderID))::uuid[], \(records.map(\.event.rawValue))::text[],
                        \(records.map(\.outcome.rawValue))::text[], \(records.map(\.message))::text[])
                AS r(order_id, event, outcome, message)
            ON CONFLICT (measurement_id, order_id, event) DO NOTHING
            """,
            logger: self.logger
        )
    }

    /// How many events of each outcome are recorded for `measurementID`, by event.
    package func ga4ExportCounts(
        measurementID: String
    ) async throws -> [GA4Candidate.Event: [GA4Outcome: Int]] {
        let rows = try await self.client.guardedQuery(
            """
            SELECT event, outcome, count(*) FROM analytics.ga4_exports
            WHERE measurement_id = \(measurementID) GROUP BY event, outcome
            """,
            logger: self.logger
        )
        var counts: [GA4Candidate.Event: [GA4Outcome: Int]] = [:]
        for try await (event, outcome, count) in rows.decode((String, String, Int64).self) {
            guard let event = GA4Candidate.Event(rawValue: event), let outcome = GA4Outcome(rawValue: outcome) else {
                continue
            }
            counts[event, default: [:]][outcome] = Int(count)
        }
        return counts
    }
}

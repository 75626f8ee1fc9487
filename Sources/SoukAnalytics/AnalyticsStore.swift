import Foundation
package import Logging
package import PostgresNIO
import SoukStorage

/// The analytics schema's reads and writes: each followed event is applied together with its stream's new
/// position, in one transaction, so a restart (or a SIGKILL) between two events neither misses nor repeats one.
package struct AnalyticsStore: Sendable {
    /// What one event changes.
    package enum Change: Sendable, Hashable {
        /// An order as it is after the event.
        case order(OrderFact)
        /// An event of a type analytics does not know: it only moves the position, and is counted.
        case skipped
    }

    /// A followed stream's progress.
    package struct StreamProgress: Sendable, Hashable {
        package var position: Int64
        package var applied: Int64
        package var skipped: Int64

        package init(position: Int64, applied: Int64, skipped: Int64) {
            self.position = position
            self.applied = applied
            self.skipped = skipped
        }
    }

    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Brings the analytics schema up to date.
    package func migrate() async throws {
        try await MigrationRunner(logger: self.logger).migrate([AnalyticsMigrations.schema], on: self.client)
    }

    /// The progress of `stream`; zeros before its first event.
    package func progress(of stream: String) async throws -> StreamProgress {
        let rows = try await self.client.guardedQuery(
            "SELECT position, applied, skipped FROM analytics.followed_streams WHERE stream = \(stream)",
            logger: self.logger
        )
        for try await (position, applied, skipped) in rows.decode((Int64, Int64, Int64).self) {
            return StreamProgress(position: position, applied: applied, skipped: skipped)
        }
        return StreamProgress(position: 0, applied: 0, skipped: 0)
    }

    /// Applies `change`, the event at `position` of `stream`, and stores the position, in one transaction.
    ///
    /// - Returns: false when the stream's stored position is already at or past `position` (the event was applied
    ///   before: another follower, or a pass that died after committing), in which case nothing changes.
    @discardableResult
    package func apply(_ change: Change, at position: Int64, of stream: String) async throws -> Bool {
        try await self.client.withGuardedTransaction(logger: self.logger) { connection in
            try await connection.guardedQuery(
                """
                INSERT INTO analytics.followed_streams (stream, position) VALUES (\(stream), 0)
                ON CONFLICT (stream) DO NOTHING
                """,
                logger: self.logger
            )
            let rows = try await connection.guardedQuery(
                "SELECT position FROM analytics.followed_streams WHERE stream = \(stream) FOR UPDATE",
                logger: self.logger
            )
            var stored: Int64 = 0
            for try await value in rows.decode(Int64.self) { stored = value }
            guard position > stored else { return false }
            switch change {
            case .order(let fact):
                try await Self.upsert(fact, on: connection, logger: self.logger)
                try await connection.guardedQuery(
                    """
                    UPDATE analytics.followed_streams SET position = \(position), applied = applied + 1
                    WHERE stream = \(stream)
                    """,
                    logger: self.logger
                )
            case .skipped:
                try await connection.guardedQuery(
                    """
                    UPDATE analytics.followed_streams SET position = \(position), skipped = skipped + 1
                    WHERE stream = \(stream)
                    """,
                    logger: self.logger
                )
            }
            return true
        }
    }

    /// Writes `fact` over what is stored of its order, unless what is stored is newer; its lines are replaced.
    private static func upsert(_ fact: OrderFact, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.guardedQuery(
            """
            INSERT INTO analytics.orders (
                order_id, number, customer_id, status, currency, goods_total_minor, total_minor, country, region,
                placed_at, updated_at
            ) VALUES (
                \(fact.orderID), \(fact.number), \(fact.customerID), \(fact.status), \(fact.currency),
                \(fact.goodsTotalMinor), \(fact.totalMinor), \(fact.country), \(fact.region),
                to_timestamp(\(fact.placedAtUnixMs)::double precision / 1000),
                to_timestamp(\(fact.updatedAtUnixMs)::double precision / 1000)
            )
            ON CONFLICT (order_id) DO UPDATE SET
                status = EXCLUDED.status, goods_total_minor = EXCLUDED.goods_total_minor,
                total_minor = EXCLUDED.total_minor, country = EXCLUDED.country, region = EXCLUDED.region,
                updated_at = EXCLUDED.updated_at
            WHERE analytics.orders.updated_at <= EXCLUDED.updated_at
            RETURNING order_id
            """,
            logger: logger
        )
        var written = false
        for try await _ in rows { written = true }
        guard written else { return }
        try await connection.guardedQuery(
            "DELETE FROM analytics.order_lines WHERE order_id = \(fact.orderID)",
            logger: logger
        )
        guard !fact.lines.isEmpty else { return }
        let numbers = fact.lines.indices.map { Int32($0 + 1) }
        try await connection.guardedQuery(
            """
            INSERT INTO analytics.order_lines (order_id, line, sku, quantity, unit_price_minor, line_total_minor)
            SELECT \(fact.orderID), line, sku, quantity, unit_price, line_total
            FROM unnest(\(numbers)::integer[], \(fact.lines.map(\.sku))::text[], \(fact.lines.map(\.quantity))::integer[],
                        \(fact.lines.map(\.unitPriceMinor))::bigint[], \(fact.lines.map(\.lineTotalMinor))::bigint[])
                AS l(line, sku, quantity, unit_price, line_total)
            """,
            logger: logger
        )
    }
}

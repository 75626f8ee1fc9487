import Logging
import PostgresNIO
import SoukCalendar
import SoukStorage

/// The reporting queries over the analytics schema (`analytics.orders`, `analytics.order_lines`), which this domain
/// reads by SQL only: analytics owns and migrates it, and it may not exist yet.
///
/// Each query takes the range as local days in the report's time zone (`day::timestamp AT TIME ZONE zone`, so a
/// day is 23 or 25 hours across a clock change) and buckets orders by their local placing time
/// (`date_trunc(unit, placed_at AT TIME ZONE zone)`).
struct ReportingStore: Sendable {
    /// The statuses of an order that counts as a sale: paid and neither cancelled nor refunded.
    static let saleStatuses = "('paid', 'packed', 'shipped', 'delivered')"

    let client: PostgresClient
    let logger: Logger
    /// PostgreSQL's zone names, read at the first report.
    let timeZones = TimeZoneNames()

    /// Checks `timeZone` against PostgreSQL's zones and says whether the analytics tables exist.
    ///
    /// - Throws: ``ReportingError`` (invalid argument) naming `time_zone` when PostgreSQL does not know it.
    func check(timeZone: String) async throws -> Bool {
        let known = try await self.timeZones.contains(timeZone) {
            let rows = try await self.client.guardedQuery("SELECT name FROM pg_timezone_names", logger: self.logger)
            return Set(try rows.rows.map { try $0.decode(String.self) })
        }
        guard known else {
            throw ReportingError.invalidArgument("time_zone: '\(timeZone)' is not a time zone PostgreSQL knows")
        }
        let rows = try await self.client.guardedQuery(
            """
            SELECT to_regclass('analytics.orders') IS NOT NULL AND to_regclass('analytics.order_lines') IS NOT NULL
            """,
            logger: self.logger
        )
        return try rows.rows.first?.decode(Bool.self) ?? false
    }

    /// Sales per period and currency, in period then currency order.
    func sales(_ query: ReportQuery) async throws -> [SalesRow] {
        let rows = try await self.client.guardedQuery(
            """
            SELECT to_char(date_trunc(\(query.unit), o.placed_at AT TIME ZONE \(query.timeZone)), 'YYYY-MM-DD'),
                o.currency,
                count(*) FILTER (WHERE o.status IN \(unescaped: Self.saleStatuses)),
                coalesce(sum(o.total_minor) FILTER (WHERE o.status IN \(unescaped: Self.saleStatuses)), 0)::bigint,
                coalesce(sum(u.units) FILTER (WHERE o.status IN \(unescaped: Self.saleStatuses)), 0)::bigint,
                count(*) FILTER (WHERE o.status = 'refunded'),
                coalesce(sum(o.total_minor) FILTER (WHERE o.status = 'refunded'), 0)::bigint,
                count(*) FILTER (WHERE o.status = 'cancelled'),
                coalesce(sum(o.total_minor) FILTER (WHERE o.status = 'cancelled'), 0)::bigint
            FROM analytics.orders o
            LEFT JOIN LATERAL (
                SELECT sum(l.quantity)::bigint AS units FROM analytics.order_lines l WHERE l.order_id = o.order_id
            ) u ON true
            WHERE o.placed_at >= (\(query.from.text)::date)::timestamp AT TIME ZONE \(query.timeZone)
                AND o.placed_at < (\(query.to.text)::date + 1)::timestamp AT TIME ZONE \(query.timeZone)
                AND (\(query.currency) = '' OR o.currency = \(query.currency))
            GROUP BY 1, 2
            ORDER BY 1, 2
            """,
            logger: self.logger
        )
        return try rows.rows.map { row in
            let (period, currency, orders, revenue, units, refundedOrders, refunded, cancelledOrders, cancelled) =
                try row.decode((String, String, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self)
            return SalesRow(
                period: period,
                currency: currency,
                orders: orders,
                revenueMinor: revenue,
                units: units,
                refundedOrders: refundedOrders,
                refundedMinor: refunded,
                cancelledOrders: cancelledOrders,
                cancelledMinor: cancelled
            )
        }
    }

    /// How many orders placed in each period are at each status now, in period order.
    func statusCounts(_ query: ReportQuery) async throws -> [StatusCountRow] {
        let rows = try await self.client.guardedQuery(
            """
            SELECT to_char(date_trunc(\(query.unit), o.placed_at AT TIME ZONE \(query.timeZone)), 'YYYY-MM-DD'),
                o.status, count(*)
            FROM analytics.orders o
            WHERE o.placed_at >= (\(query.from.text)::date)::timestamp AT TIME ZONE \(query.timeZone)
                AND o.placed_at < (\(query.to.text)::date + 1)::timestamp AT TIME ZONE \(query.timeZone)
                AND (\(query.currency) = '' OR o.currency = \(query.currency))
            GROUP BY 1, 2
            ORDER BY 1, 2
            """,
            logger: self.logger
        )
        return try rows.rows.map { row in
            let (period, status, count) = try row.decode((String, String, Int64).self)
            return StatusCountRow(period: period, status: status, count: count)
        }
    }

    /// The `limit` best-selling SKUs of each period and currency by their lines' revenue, in period, currency and
    /// rank order; ties go to the smaller SKU.
    func topByRevenue(_ query: ReportQuery, limit: Int) async throws -> [ProductRow] {
        let rows = try await self.client.guardedQuery(
            """
            SELECT period, currency, rank, sku, revenue, units, orders FROM (
                SELECT period, currency, sku, sum(line_total_minor)::bigint AS revenue,
                    sum(quantity)::bigint AS units, count(DISTINCT order_id) AS orders,
                    row_number() OVER (PARTITION BY period, currency ORDER BY sum(line_total_minor) DESC, sku) AS rank
                FROM (
                    SELECT to_char(date_trunc(\(query.unit), o.placed_at AT TIME ZONE \(query.timeZone)), 'YYYY-MM-DD')
                            AS period,
                        o.currency, o.order_id, l.sku, l.quantity, l.line_total_minor
                    FROM analytics.orders o JOIN analytics.order_lines l ON l.order_id = o.order_id
                    WHERE o.status IN \(unescaped: Self.saleStatuses)
                        AND o.placed_at >= (\(query.from.text)::date)::timestamp AT TIME ZONE \(query.timeZone)
                        AND o.placed_at < (\(query.to.text)::date + 1)::timestamp AT TIME ZONE \(query.timeZone)
                        AND (\(query.currency) = '' OR o.currency = \(query.currency))
                ) lines
                GROUP BY period, currency, sku
            ) ranked
            WHERE rank <= \(limit)
            ORDER BY period, currency, rank
            """,
            logger: self.logger
        )
        return try rows.rows.map { row in
            let (period, currency, rank, sku, revenue, units, orders) =
                try row.decode((String, String, Int64, String, Int64, Int64, Int64).self)
            return ProductRow(
                period: period,
                currency: currency,
                rank: rank,
                sku: sku,
                revenueMinor: revenue,
                units: units,
                orders: orders
            )
        }
    }

    /// The `limit` best-selling SKUs of each period by units over every currency (or `query.currency`), in period
    /// and rank order; ties go to the smaller SKU.
    func topByUnits(_ query: ReportQuery, limit: Int) async throws -> [ProductRow] {
        let rows = try await self.client.guardedQuery(
            """
            SELECT period, rank, sku, units, orders FROM (
                SELECT period, sku, sum(quantity)::bigint AS units, count(DISTINCT order_id) AS orders,
                    row_number() OVER (PARTITION BY period ORDER BY sum(quantity) DESC, sku) AS rank
                FROM (
                    SELECT to_char(date_trunc(\(query.unit), o.placed_at AT TIME ZONE \(query.timeZone)), 'YYYY-MM-DD')
                            AS period,
                        o.order_id, l.sku, l.quantity
                    FROM analytics.orders o JOIN analytics.order_lines l ON l.order_id = o.order_id
                    WHERE o.status IN \(unescaped: Self.saleStatuses)
                        AND o.placed_at >= (\(query.from.text)::date)::timestamp AT TIME ZONE \(query.timeZone)
                        AND o.placed_at < (\(query.to.text)::date + 1)::timestamp AT TIME ZONE \(query.timeZone)
                        AND (\(query.currency) = '' OR o.currency = \(query.currency))
                ) lines
                GROUP BY period, sku
            ) ranked
            WHERE rank <= \(limit)
            ORDER BY period, rank
            """,
            logger: self.logger
        )
        return try rows.rows.map { row in
            let (period, rank, sku, units, orders) = try row.decode((String, Int64, String, Int64, Int64).self)
            return ProductRow(
                period: period,
                currency: "",
                rank: rank,
                sku: sku,
                revenueMinor: 0,
                units: units,
                orders: orders
            )
        }
    }
}

import PostgresNIO
import SoukCalendar
import SoukStorage

/// What customers buy in which currency, from where, and how they segment: the marketing reports.
extension ReportingStore {
    /// Sales per period, currency and country, in that order, after the whole range's per currency and country (a
    /// nil period).
    func currencyCountries(_ query: ReportQuery) async throws -> [CurrencyCountryRow] {
        let rows = try await self.client.guardedQuery(
            """
            SELECT period, currency, country, count(*), count(DISTINCT customer_id),
                coalesce(sum(total_minor), 0)::bigint, coalesce(sum(units), 0)::bigint
            FROM (
                SELECT to_char(date_trunc(\(query.unit), o.placed_at AT TIME ZONE \(query.timeZone)), 'YYYY-MM-DD')
                        AS period,
                    o.currency, o.country, o.customer_id, o.total_minor, u.units
                FROM analytics.orders o
                LEFT JOIN LATERAL (
                    SELECT sum(l.quantity)::bigint AS units FROM analytics.order_lines l WHERE l.order_id = o.order_id
                ) u ON true
                WHERE o.placed_at >= (\(query.from.text)::date)::timestamp AT TIME ZONE \(query.timeZone)
                    AND o.placed_at < (\(query.to.text)::date + 1)::timestamp AT TIME ZONE \(query.timeZone)
                    AND (\(query.currency) = '' OR o.currency = \(query.currency))
                    AND o.status IN \(unescaped: Self.saleStatuses)
            ) sales
            GROUP BY GROUPING SETS ((period, currency, country), (currency, country))
            ORDER BY period NULLS FIRST, currency, country
            """,
            logger: self.logger
        )
        return try rows.rows.map { row in
            let (period, currency, country, orders, customers, revenue, units) =
                try row.decode((String?, String, String, Int64, Int64, Int64, Int64).self)
            return CurrencyCountryRow(
                period: period,
                currency: currency,
                country: country,
                orders: orders,
                customers: customers,
                revenueMinor: revenue,
                units: units
            )
        }
    }

    /// Every customer with a sales order placed by the end of `asOf` in `timeZone`, scored in their main currency
    /// (only `currency`'s customers unless empty), in currency order, highest spend first within one, then by id.
    func customerScores(asOf: CivilDay, timeZone: String, currency: String) async throws -> [CustomerScoreRow] {
        let rows = try await self.client.guardedQuery(
            """
            WITH cutoff AS (
                SELECT ((\(asOf.text)::date + 1)::timestamp AT TIME ZONE \(timeZone)) AS at
            ), sales AS (
                SELECT o.customer_id, o.currency, o.total_minor, o.placed_at
                FROM analytics.orders o, cutoff
                WHERE o.placed_at < cutoff.at AND o.status IN \(unescaped: Self.saleStatuses)
            ), per_currency AS (
                SELECT customer_id, currency, count(*) AS orders, sum(total_minor)::bigint AS spent,
                    max(placed_at) AS latest
                FROM sales GROUP BY customer_id, currency
            ), main AS (
                SELECT DISTINCT ON (customer_id) customer_id, currency, orders, spent, latest
                FROM per_currency
                ORDER BY customer_id, orders DESC, latest DESC, currency
            ), figures AS (
                SELECT m.customer_id, m.currency, m.orders, m.spent,
                    (SELECT max(s.placed_at) FROM sales s WHERE s.customer_id = m.customer_id) AS last_order
                FROM main m
                WHERE \(currency) = '' OR m.currency = \(currency)
            )
            SELECT f.customer_id::text, f.currency,
                floor(extract(epoch FROM (cutoff.at - f.last_order)) / 86400)::bigint,
                f.orders, f.spent,
                ceil(cume_dist() OVER (PARTITION BY f.currency ORDER BY f.last_order) * 5)::int,
                ceil(cume_dist() OVER (PARTITION BY f.currency ORDER BY f.orders) * 5)::int,
                ceil(cume_dist() OVER (PARTITION BY f.currency ORDER BY f.spent) * 5)::int
            FROM figures f, cutoff
            ORDER BY f.currency, f.spent DESC, f.customer_id
            """,
            logger: self.logger
        )
        return try rows.rows.map { row in
            let (customer, currency, recency, orders, spent, recencyScore, frequencyScore, monetaryScore) =
                try row.decode((String, String, Int64, Int64, Int64, Int32, Int32, Int32).self)
            return CustomerScoreRow(
                customerID: customer,
                currency: currency,
                recencyDays: recency,
                orders: orders,
                spentMinor: spent,
                recencyScore: recencyScore,
                frequencyScore: frequencyScore,
                monetaryScore: monetaryScore
            )
        }
    }
}

/// A period's sales in one currency from one country; a nil period for the whole range's total.
struct CurrencyCountryRow: Sendable, Hashable {
    var period: String?
    var currency: String
    var country: String
    var orders: Int64
    var customers: Int64
    var revenueMinor: Int64
    var units: Int64
}

/// One customer's figures in their main currency, and their scores (1 to 5).
struct CustomerScoreRow: Sendable, Hashable {
    var customerID: String
    var currency: String
    var recencyDays: Int64
    var orders: Int64
    var spentMinor: Int64
    var recencyScore: Int32
    var frequencyScore: Int32
    var monetaryScore: Int32
}

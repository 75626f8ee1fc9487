import SoukAPI

/// The marketing reports' answers from the store's rows: sales by currency and country, and the customers' RFM
/// segments by main currency.
enum CustomerFigures {
    /// The segment of scores `recency`, `frequency` and `monetary` (1 to 5) for a customer with `orders` orders; the
    /// first rule that holds wins.
    static func segment(
        recency: Int32,
        frequency: Int32,
        monetary: Int32,
        orders: Int64
    ) -> Souk_Reporting_V1_CustomerSegment {
        if recency >= 4, frequency >= 4, monetary >= 4 { return .champions }
        if recency <= 2, frequency >= 3, orders > 1 { return .atRisk }
        if frequency >= 4, orders > 1 { return .loyal }
        if recency >= 4, orders == 1 { return .new }
        if recency <= 2 { return .hibernating }
        return .needsAttention
    }

    /// The currency report: each row in its period, the range's totals (nil period) as of `from`.
    static func currencyReport(_ rows: [CurrencyCountryRow], from: String) -> Souk_Reporting_V1_CurrencyReportResponse {
        var response = Souk_Reporting_V1_CurrencyReportResponse()
        for row in rows {
            var entry = Souk_Reporting_V1_CurrencyCountry()
            entry.periodStart = row.period ?? from
            entry.currency = row.currency
            entry.country = row.country
            entry.orders = row.orders
            entry.customers = row.customers
            entry.revenue = Self.money(row.revenueMinor, row.currency)
            entry.units = row.units
            if row.period == nil { response.totals.append(entry) } else { response.rows.append(entry) }
        }
        return response
    }

    /// The segments answer: every customer counted in the summaries, the first `limit` listed.
    static func segments(_ rows: [CustomerScoreRow], limit: Int) -> Souk_Reporting_V1_CustomerSegmentsResponse {
        var currencies: [String: Souk_Reporting_V1_CurrencyCustomers] = [:]
        var segments: [SegmentKey: Souk_Reporting_V1_SegmentSummary] = [:]
        var response = Souk_Reporting_V1_CustomerSegmentsResponse()
        for row in rows {
            let segment = Self.segment(
                recency: row.recencyScore,
                frequency: row.frequencyScore,
                monetary: row.monetaryScore,
                orders: row.orders
            )
            var currency = currencies[row.currency] ?? Self.currencyCustomers(row.currency)
            currency.customers += 1
            currency.orders += row.orders
            currency.revenue.minorUnits += row.spentMinor
            currencies[row.currency] = currency
            let key = SegmentKey(currency: row.currency, segment: segment.rawValue)
            var summary = segments[key] ?? Self.summary(row.currency, segment)
            summary.customers += 1
            summary.orders += row.orders
            summary.revenue.minorUnits += row.spentMinor
            segments[key] = summary
            if response.customers.count < limit {
                var score = Souk_Reporting_V1_CustomerScore()
                score.customerID = row.customerID
                score.currency = row.currency
                score.recencyDays = row.recencyDays
                score.frequency = row.orders
                score.monetary = Self.money(row.spentMinor, row.currency)
                score.recencyScore = row.recencyScore
                score.frequencyScore = row.frequencyScore
                score.monetaryScore = row.monetaryScore
                score.segment = segment
                response.customers.append(score)
            }
        }
        response.currencies = currencies.keys.sorted().compactMap { code in
            guard var entry = currencies[code] else { return nil }
            entry.ordersPerCustomer.numerator = entry.orders
            entry.ordersPerCustomer.denominator = entry.customers
            return entry
        }
        response.segments = segments.keys.sorted().compactMap { segments[$0] }
        return response
    }

    private struct SegmentKey: Hashable, Comparable {
        var currency: String
        var segment: Int

        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.currency, lhs.segment) < (rhs.currency, rhs.segment) }
    }

    private static func currencyCustomers(_ currency: String) -> Souk_Reporting_V1_CurrencyCustomers {
        var entry = Souk_Reporting_V1_CurrencyCustomers()
        entry.currency = currency
        entry.revenue = Self.money(0, currency)
        return entry
    }

    private static func summary(
        _ currency: String,
        _ segment: Souk_Reporting_V1_CustomerSegment
    ) -> Souk_Reporting_V1_SegmentSummary {
        var summary = Souk_Reporting_V1_SegmentSummary()
        summary.currency = currency
        summary.segment = segment
        summary.revenue = Self.money(0, currency)
        return summary
    }

    private static func money(_ minorUnits: Int64, _ currency: String) -> Souk_Catalog_V1_Money {
        var money = Souk_Catalog_V1_Money()
        money.minorUnits = minorUnits
        money.currency = currency
        return money
    }
}

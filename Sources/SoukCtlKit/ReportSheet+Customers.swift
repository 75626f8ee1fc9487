package import SoukAPI

/// The marketing reports as sheets: purchases by currency and country, and the customers' RFM segments.
extension ReportSheet {
    /// A row per period, currency and country, then a `total` row per currency and country.
    package static func currencies(_ report: Souk_Reporting_V1_CurrencyReportResponse) -> Self {
        func row(_ entry: Souk_Reporting_V1_CurrencyCountry, _ name: String) -> [String] {
            [
                name, entry.currency, entry.country, "\(entry.orders)", "\(entry.customers)",
                Self.amount(entry.revenue), "\(entry.units)",
            ]
        }
        return Self(
            header: ["PERIOD", "CURRENCY", "COUNTRY", "ORDERS", "CUSTOMERS", "REVENUE", "UNITS"],
            rows: report.rows.map { row($0, $0.periodStart) } + report.totals.map { row($0, "total") }
        )
    }

    /// The segments per currency, then a row per currency of all its customers (`all`).
    package static func segments(_ report: Souk_Reporting_V1_CustomerSegmentsResponse) -> Self {
        Self(
            header: ["CURRENCY", "SEGMENT", "CUSTOMERS", "ORDERS", "REVENUE", "ORDERS PER CUSTOMER"],
            rows: report.segments.map { summary in
                [
                    summary.currency, Self.name(summary.segment), "\(summary.customers)", "\(summary.orders)",
                    Self.amount(summary.revenue), "",
                ]
            }
                + report.currencies.map { currency in
                    [
                        currency.currency, "all", "\(currency.customers)", "\(currency.orders)",
                        Self.amount(currency.revenue), Self.fraction(currency.ordersPerCustomer),
                    ]
                }
        )
    }

    /// A row per customer listed: their figures, scores and segment.
    package static func segmentCustomers(_ report: Souk_Reporting_V1_CustomerSegmentsResponse) -> Self {
        Self(
            header: ["CUSTOMER", "CURRENCY", "RECENCY DAYS", "ORDERS", "SPENT", "R", "F", "M", "SEGMENT"],
            rows: report.customers.map { customer in
                [
                    customer.customerID, customer.currency, "\(customer.recencyDays)", "\(customer.frequency)",
                    Self.amount(customer.monetary), "\(customer.recencyScore)", "\(customer.frequencyScore)",
                    "\(customer.monetaryScore)", Self.name(customer.segment),
                ]
            }
        )
    }

    /// `at risk` for the segment's value.
    static func name(_ segment: Souk_Reporting_V1_CustomerSegment) -> String {
        switch segment {
        case .champions: "champions"
        case .loyal: "loyal"
        case .new: "new"
        case .atRisk: "at risk"
        case .hibernating: "hibernating"
        case .needsAttention: "needs attention"
        case .unspecified, .UNRECOGNIZED: "unknown"
        }
    }
}

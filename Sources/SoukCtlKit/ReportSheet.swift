package import SoukAPI
import SoukMoney

/// A report as a header and rows of text, the same for `soukctl reports`' table and its CSV: amounts in major
/// units with the currency's digits (`1499.00`) beside a currency column, rates as exact fractions (`2/7`).
package struct ReportSheet: Sendable, Hashable {
    /// Column titles, upper case for the table; ``csv`` writes them in lower snake case.
    package var header: [String]
    /// One array of cells per row, as many as the header has.
    package var rows: [[String]]

    package init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// The grouping `--by` names: `day`, `week` or `month`.
    ///
    /// - Throws: ``CtlError`` (usage) naming `--by` for any other word.
    package static func grouping(_ text: String) throws -> Souk_Reporting_V1_ReportGrouping {
        switch text {
        case "day": .day
        case "week": .week
        case "month": .month
        default:
            throw CtlError(.usage, "--by: '\(text.prefix(20))' is not a grouping", hint: "give day, week or month")
        }
    }

    /// The sales report: a row per period and currency, then a `total` row per currency.
    package static func sales(_ report: Souk_Reporting_V1_SalesReportResponse) -> Self {
        func row(_ period: Souk_Reporting_V1_SalesPeriod, _ name: String) -> [String] {
            [
                name, period.currency, "\(period.orders)", Self.amount(period.revenue), "\(period.units)",
                Self.amount(period.averageOrderValue), "\(period.refundedOrders)", Self.amount(period.refunded),
                "\(period.cancelledOrders)", Self.amount(period.cancelled),
            ]
        }
        return Self(
            header: [
                "PERIOD", "CURRENCY", "ORDERS", "REVENUE", "UNITS", "AVERAGE ORDER", "REFUNDED ORDERS", "REFUNDED",
                "CANCELLED ORDERS", "CANCELLED",
            ],
            rows: report.periods.map { row($0, $0.periodStart) } + report.totals.map { row($0, "total") }
        )
    }

    /// The order funnel: a row per period, then a `total` row.
    package static func funnel(_ report: Souk_Reporting_V1_OrderFunnelResponse) -> Self {
        func row(_ period: Souk_Reporting_V1_FunnelPeriod, _ name: String) -> [String] {
            [
                name, "\(period.placed)", "\(period.paid)", "\(period.packed)", "\(period.shipped)",
                "\(period.delivered)", "\(period.cancelledNow)", "\(period.refundedNow)",
                Self.fraction(period.cancellationRate), Self.fraction(period.refundRate),
            ]
        }
        return Self(
            header: [
                "PERIOD", "PLACED", "PAID", "PACKED", "SHIPPED", "DELIVERED", "CANCELLED", "REFUNDED",
                "CANCELLATION RATE", "REFUND RATE",
            ],
            rows: report.periods.map { row($0, $0.periodStart) } + (report.hasTotal ? [row(report.total, "total")] : [])
        )
    }

    /// The top products: the ranking by revenue (per currency), then the ranking by units (every currency).
    package static func products(_ report: Souk_Reporting_V1_TopProductsResponse) -> Self {
        Self(
            header: ["RANKING", "PERIOD", "CURRENCY", "RANK", "SKU", "REVENUE", "UNITS", "ORDERS"],
            rows: report.byRevenue.map { product in
                [
                    "revenue", product.periodStart, product.revenue.currency, "\(product.rank)", product.sku,
                    Self.amount(product.revenue), "\(product.units)", "\(product.orders)",
                ]
            }
                + report.byUnits.map { product in
                    [
                        "units", product.periodStart, "", "\(product.rank)", product.sku, "", "\(product.units)",
                        "\(product.orders)",
                    ]
                }
        )
    }

    /// The sheet as CSV (RFC 4180): a header line in lower snake case, CRLF-free lines ending in `\n`, and a cell
    /// quoted when it holds a comma, a quote or a line break (quotes doubled).
    package var csv: String {
        let header = self.header.map { $0.lowercased().split(separator: " ").joined(separator: "_") }
        return ([header] + self.rows).map { $0.map(Self.csvCell).joined(separator: ",") + "\n" }.joined()
    }

    /// The table for a terminal `width` characters wide.
    package func table(width: Int) -> String {
        Table(header: self.header, rows: self.rows).render(width: width)
    }

    /// `1499.00` for the message's amount in its currency; minor units for a currency Souk does not know.
    static func amount(_ money: Souk_Catalog_V1_Money) -> String {
        guard let currency = Currency.supported[money.currency] else { return "\(money.minorUnits)" }
        return Money(minorUnits: money.minorUnits, currency: currency).decimalString
    }

    /// `2/7`, not reduced; `0/0` when nothing was counted.
    static func fraction(_ fraction: Souk_Reporting_V1_Fraction) -> String {
        "\(fraction.numerator)/\(fraction.denominator)"
    }

    private static func csvCell(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}

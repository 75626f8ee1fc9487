import GRPCCore
import SoukAPI
import TestSupport
import Testing

/// The sales report over ``ReportingShop/fixture``, each figure worked out by hand from the fixture's orders.
@Suite("Reporting: sales")
struct SalesReportTests {
    /// A period's figures in one currency, as a tuple-like value to compare in one expectation.
    struct Figures: Equatable, CustomStringConvertible {
        var period: String
        var currency: String
        var orders: Int64
        var revenue: Int64
        var units: Int64
        var average: Int64
        var refundedOrders: Int64
        var refunded: Int64
        var cancelledOrders: Int64
        var cancelled: Int64

        init(
            _ period: String,
            _ currency: String,
            orders: Int64,
            revenue: Int64,
            units: Int64,
            average: Int64,
            refunded: (Int64, Int64) = (0, 0),
            cancelled: (Int64, Int64) = (0, 0)
        ) {
            self.period = period
            self.currency = currency
            self.orders = orders
            self.revenue = revenue
            self.units = units
            self.average = average
            (self.refundedOrders, self.refunded) = refunded
            (self.cancelledOrders, self.cancelled) = cancelled
        }

        init(_ period: Souk_Reporting_V1_SalesPeriod) {
            self.init(
                period.periodStart,
                period.currency,
                orders: period.orders,
                revenue: period.revenue.minorUnits,
                units: period.units,
                average: period.averageOrderValue.minorUnits,
                refunded: (period.refundedOrders, period.refunded.minorUnits),
                cancelled: (period.cancelledOrders, period.cancelled.minorUnits)
            )
            // Every amount is in the row's currency.
            for money in [period.revenue, period.averageOrderValue, period.refunded, period.cancelled] {
                #expect(money.currency == period.currency)
            }
        }

        var description: String {
            "\(self.period) \(self.currency): \(self.orders) orders, \(self.revenue) revenue, \(self.units) units, "
                + "\(self.average) average, refunded \(self.refundedOrders)/\(self.refunded), "
                + "cancelled \(self.cancelledOrders)/\(self.cancelled)"
        }
    }

    @Test("days in Berlin: revenue, orders, units, integer average, refunds and cancellations per currency")
    func berlinDays() async throws {
        try await ReportingShop.with { shop in
            let report = try await shop.reporting.salesReport(
                ReportingShop.sales("2026-01-05", "2026-01-07"),
                metadata: shop.staff
            )
            #expect(
                report.periods.map(Figures.init) == [
                    // A (paid, 10000; MUG 2 + TEA 1) and I (delivered, 4000; POT 2, placed 00:30 Berlin):
                    // 2 orders, 10000 + 4000 = 14000, 3 + 2 = 5 units, 14000 / 2 = 7000.
                    Figures("2026-01-05", "EUR", orders: 2, revenue: 14000, units: 5, average: 7000),
                    // B (delivered, 5001; TEA 3, placed 00:30 Berlin) and G (packed, 7000; POT 1): 2 orders,
                    // 5001 + 7000 = 12001, 3 + 1 = 4 units, 12001 / 2 = 6000 (6000.5 rounded towards zero);
                    // C refunded (2000), D cancelled (3000); F (pending payment) counts nowhere.
                    Figures(
                        "2026-01-06",
                        "EUR",
                        orders: 2,
                        revenue: 12001,
                        units: 4,
                        average: 6000,
                        refunded: (1, 2000),
                        cancelled: (1, 3000)
                    ),
                    // E (shipped, 150000 RUB; MUG 5).
                    Figures("2026-01-06", "RUB", orders: 1, revenue: 150000, units: 5, average: 150000),
                    // H (23:30 UTC on the 7th) is on the 8th in Berlin: no row for the 7th.
                ]
            )
            #expect(
                report.totals.map(Figures.init) == [
                    // 2 + 2 = 4 orders, 14000 + 12001 = 26001, 5 + 4 = 9 units, 26001 / 4 = 6500 (6500.25).
                    Figures(
                        "2026-01-05",
                        "EUR",
                        orders: 4,
                        revenue: 26001,
                        units: 9,
                        average: 6500,
                        refunded: (1, 2000),
                        cancelled: (1, 3000)
                    ),
                    Figures("2026-01-05", "RUB", orders: 1, revenue: 150000, units: 5, average: 150000),
                ]
            )
        }
    }

    @Test("the same range in UTC moves the orders placed around midnight to the other day")
    func utcDays() async throws {
        try await ReportingShop.with { shop in
            let report = try await shop.reporting.salesReport(
                ReportingShop.sales("2026-01-05", "2026-01-07", tz: "UTC"),
                metadata: shop.staff
            )
            #expect(
                report.periods.map(Figures.init) == [
                    // A (10000; 3 units) and B (5001; 3 units, 23:30 UTC): 15001, 6 units, 15001 / 2 = 7500.
                    // I (23:30 UTC on the 4th) is outside the range.
                    Figures("2026-01-05", "EUR", orders: 2, revenue: 15001, units: 6, average: 7500),
                    // G only (7000, 1 unit), with C refunded and D cancelled.
                    Figures(
                        "2026-01-06",
                        "EUR",
                        orders: 1,
                        revenue: 7000,
                        units: 1,
                        average: 7000,
                        refunded: (1, 2000),
                        cancelled: (1, 3000)
                    ),
                    Figures("2026-01-06", "RUB", orders: 1, revenue: 150000, units: 5, average: 150000),
                    // H (paid, 999; 1 unit) at 23:30 UTC on the 7th.
                    Figures("2026-01-07", "EUR", orders: 1, revenue: 999, units: 1, average: 999),
                ]
            )
        }
    }

    @Test("a week starts on Monday, a month on its first day, and a currency filter keeps one currency")
    func weeksMonthsAndCurrency() async throws {
        try await ReportingShop.with { shop in
            let weeks = try await shop.reporting.salesReport(
                ReportingShop.sales("2026-01-05", "2026-01-07", by: .week, currency: "EUR"),
                metadata: shop.staff
            )
            // 5 January 2026 is a Monday: one week, the EUR totals of the daily report.
            #expect(
                weeks.periods.map(Figures.init) == [
                    Figures(
                        "2026-01-05",
                        "EUR",
                        orders: 4,
                        revenue: 26001,
                        units: 9,
                        average: 6500,
                        refunded: (1, 2000),
                        cancelled: (1, 3000)
                    )
                ]
            )
            let months = try await shop.reporting.salesReport(
                ReportingShop.sales("2026-01-06", "2026-01-31", by: .month, currency: "RUB"),
                metadata: shop.staff
            )
            // The month is named by its first day although the range starts on the 6th.
            #expect(
                months.periods.map(Figures.init) == [
                    Figures("2026-01-01", "RUB", orders: 1, revenue: 150000, units: 5, average: 150000)
                ]
            )
        }
    }
}

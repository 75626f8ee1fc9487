import SoukAPI
import SoukCtlKit
import Testing

@Suite("Reports as tables and CSV")
struct ReportSheetTests {
    static func money(_ minor: Int64, _ currency: String) -> Souk_Catalog_V1_Money {
        var money = Souk_Catalog_V1_Money()
        money.minorUnits = minor
        money.currency = currency
        return money
    }

    @Test("sales: amounts in the currency's digits, a total row per currency, a snake-case CSV header")
    func sales() {
        var day = Souk_Reporting_V1_SalesPeriod()
        day.periodStart = "2026-01-06"
        day.currency = "EUR"
        day.orders = 2
        day.revenue = Self.money(12001, "EUR")
        day.units = 4
        day.averageOrderValue = Self.money(6000, "EUR")
        day.refundedOrders = 1
        day.refunded = Self.money(2000, "EUR")
        day.cancelledOrders = 0
        day.cancelled = Self.money(0, "EUR")
        var yen = Souk_Reporting_V1_SalesPeriod()
        yen.periodStart = "2026-01-06"
        yen.currency = "JPY"
        yen.orders = 1
        yen.revenue = Self.money(1500, "JPY")
        yen.units = 1
        yen.averageOrderValue = Self.money(1500, "JPY")
        var report = Souk_Reporting_V1_SalesReportResponse()
        report.periods = [day, yen]
        report.totals = [day]
        let sheet = ReportSheet.sales(report)
        #expect(sheet.rows[0] == ["2026-01-06", "EUR", "2", "120.01", "4", "60.00", "1", "20.00", "0", "0.00"])
        #expect(sheet.rows[1][3] == "1500")
        #expect(sheet.rows[2][0] == "total")
        #expect(
            sheet.csv.split(separator: "\n").first
                == "period,currency,orders,revenue,units,average_order,refunded_orders,refunded,cancelled_orders,cancelled"
        )
        #expect(sheet.csv.split(separator: "\n").count == 4)
        #expect(sheet.csv.hasSuffix("\n"))
    }

    @Test("funnel: rates as exact unreduced fractions; no total row for an empty report")
    func funnel() {
        var period = Souk_Reporting_V1_FunnelPeriod()
        period.periodStart = "2026-01-05"
        period.placed = 6
        period.paid = 4
        period.cancelledNow = 1
        period.refundedNow = 2
        period.cancellationRate.numerator = 1
        period.cancellationRate.denominator = 6
        period.refundRate.numerator = 2
        period.refundRate.denominator = 6
        var report = Souk_Reporting_V1_OrderFunnelResponse()
        report.periods = [period]
        report.total = period
        let sheet = ReportSheet.funnel(report)
        #expect(sheet.rows.count == 2)
        #expect(sheet.rows[0].suffix(2) == ["1/6", "2/6"])
        #expect(ReportSheet.funnel(.init()).rows.isEmpty)
    }

    @Test("products: both rankings in one sheet; a cell with a comma or quote is quoted in CSV")
    func products() {
        var byRevenue = Souk_Reporting_V1_ProductRank()
        byRevenue.periodStart = "2026-01-01"
        byRevenue.rank = 1
        byRevenue.sku = "MUG,\"BIG\""
        byRevenue.revenue = Self.money(11000, "EUR")
        byRevenue.units = 3
        byRevenue.orders = 2
        var byUnits = byRevenue
        byUnits.revenue = Souk_Catalog_V1_Money()
        var report = Souk_Reporting_V1_TopProductsResponse()
        report.byRevenue = [byRevenue]
        report.byUnits = [byUnits]
        let lines = ReportSheet.products(report).csv.split(separator: "\n")
        #expect(lines[0] == "ranking,period,currency,rank,sku,revenue,units,orders")
        #expect(lines[1] == "revenue,2026-01-01,EUR,1,\"MUG,\"\"BIG\"\"\",110.00,3,2")
        #expect(lines[2] == "units,2026-01-01,,1,\"MUG,\"\"BIG\"\"\",,3,2")
    }

    @Test("--by takes day, week or month and names itself otherwise")
    func grouping() throws {
        #expect(try ReportSheet.grouping("day") == .day)
        #expect(try ReportSheet.grouping("week") == .week)
        #expect(try ReportSheet.grouping("month") == .month)
        #expect(throws: CtlError.self) { try ReportSheet.grouping("year") }
    }
}

import SoukAPI
import SoukCtlKit
import Testing

@Suite("Currency and segment reports as tables and CSV")
struct CustomerSheetTests {
    @Test("currencies: a row per period, currency and country, then totals, amounts in each currency's digits")
    func currencies() {
        var rub = Souk_Reporting_V1_CurrencyCountry()
        rub.periodStart = "2026-03-01"
        rub.currency = "RUB"
        rub.country = "RU"
        rub.orders = 2
        rub.customers = 1
        rub.revenue = ReportSheetTests.money(150_050, "RUB")
        rub.units = 3
        var report = Souk_Reporting_V1_CurrencyReportResponse()
        report.rows = [rub]
        report.totals = [rub]
        let sheet = ReportSheet.currencies(report)
        #expect(
            sheet.rows == [
                ["2026-03-01", "RUB", "RU", "2", "1", "1500.50", "3"],
                ["total", "RUB", "RU", "2", "1", "1500.50", "3"],
            ]
        )
        #expect(sheet.csv.hasPrefix("period,currency,country,orders,customers,revenue,units\n"))
    }

    @Test("segments: named segments then each currency's whole, and the customers with their scores")
    func segments() {
        var summary = Souk_Reporting_V1_SegmentSummary()
        summary.currency = "EUR"
        summary.segment = .atRisk
        summary.customers = 1
        summary.orders = 2
        summary.revenue = ReportSheetTests.money(8000, "EUR")
        var currency = Souk_Reporting_V1_CurrencyCustomers()
        currency.currency = "EUR"
        currency.customers = 3
        currency.orders = 6
        currency.revenue = ReportSheetTests.money(14_500, "EUR")
        currency.ordersPerCustomer.numerator = 6
        currency.ordersPerCustomer.denominator = 3
        var customer = Souk_Reporting_V1_CustomerScore()
        customer.customerID = "00000000-0000-0000-0000-000000000003"
        customer.currency = "EUR"
        customer.recencyDays = 80
        customer.frequency = 2
        customer.monetary = ReportSheetTests.money(8000, "EUR")
        customer.recencyScore = 2
        customer.frequencyScore = 4
        customer.monetaryScore = 5
        customer.segment = .atRisk
        var report = Souk_Reporting_V1_CustomerSegmentsResponse()
        report.segments = [summary]
        report.currencies = [currency]
        report.customers = [customer]
        #expect(
            ReportSheet.segments(report).rows == [
                ["EUR", "at risk", "1", "2", "80.00", ""], ["EUR", "all", "3", "6", "145.00", "6/3"],
            ]
        )
        let customers = ReportSheet.segmentCustomers(report)
        #expect(
            customers.rows == [
                ["00000000-0000-0000-0000-000000000003", "EUR", "80", "2", "80.00", "2", "4", "5", "at risk"]
            ]
        )
        #expect(customers.csv.hasPrefix("customer,currency,recency_days,orders,spent,r,f,m,segment\n"))
    }
}

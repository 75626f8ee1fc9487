import GRPCCore
import SoukAPI
import TestSupport
import Testing

/// What reporting refuses (each bad field named), what it answers with nothing to report, and who may read it.
@Suite("Reporting: bad input, empty reports, access")
struct ReportingRefusalTests {
    @Test("each bad field is INVALID_ARGUMENT naming it")
    func badInput() async throws {
        try await ReportingShop.with { shop in
            // (request, the field the message must start with)
            let cases: [(Souk_Reporting_V1_SalesReportRequest, String)] = [
                (ReportingShop.sales("2026-01-07", "2026-01-05"), "to"),
                (ReportingShop.sales("2026-02-30", "2026-03-01"), "from"),
                (ReportingShop.sales("2026-01-05", "7 Jan"), "to"),
                // 1 January 2025 to 2 January 2026 is 367 days, one over a daily report's limit.
                (ReportingShop.sales("2025-01-01", "2026-01-02"), "to"),
                // 2020-01-01 … 2025-01-01 is 366 + 365 × 3 + 366 + 1 = 1828 days, one over five years' 1827.
                (ReportingShop.sales("2020-01-01", "2025-01-01", by: .month), "to"),
                (ReportingShop.sales("2026-01-05", "2026-01-07", by: .unspecified), "grouping"),
                (ReportingShop.sales("2026-01-05", "2026-01-07", by: .UNRECOGNIZED(9)), "grouping"),
                (ReportingShop.sales("2026-01-05", "2026-01-07", tz: ""), "time_zone"),
                (ReportingShop.sales("2026-01-05", "2026-01-07", tz: "Mars/Olympus_Mons"), "time_zone"),
                (ReportingShop.sales("2026-01-05", "2026-01-07", tz: "UTC'; SELECT 1"), "time_zone"),
                (ReportingShop.sales("2026-01-05", "2026-01-07", currency: "XXX"), "currency"),
                (ReportingShop.sales("2026-01-05", "2026-01-07", currency: "eur"), "currency"),
            ]
            for (request, field) in cases {
                let error = await rpcError { _ = try await shop.reporting.salesReport(request, metadata: shop.staff) }
                #expect(error?.code == .invalidArgument, "\(request)")
                #expect(error?.message.hasPrefix("\(field): ") == true, "\(error?.message ?? "") for \(field)")
            }
            // Five years by month is allowed: 2020-01-01 … 2024-12-31 is 1827 days.
            _ = try await shop.reporting.salesReport(
                ReportingShop.sales("2020-01-01", "2024-12-31", by: .month),
                metadata: shop.staff
            )
            var top = Souk_Reporting_V1_TopProductsRequest()
            top.from = "2026-01-05"
            top.to = "2026-01-07"
            top.timeZone = "UTC"
            top.grouping = .day
            top.limit = 101
            let limit = await rpcError { _ = try await shop.reporting.topProducts(top, metadata: shop.staff) }
            #expect(limit?.code == .invalidArgument)
            #expect(limit?.message.hasPrefix("limit: ") == true)
            var funnel = Souk_Reporting_V1_OrderFunnelRequest()
            funnel.from = "2026-01-05"
            funnel.to = "2026-01-07"
            funnel.timeZone = "Nowhere/Special"
            funnel.grouping = .week
            let zone = await rpcError { _ = try await shop.reporting.orderFunnel(funnel, metadata: shop.staff) }
            #expect(zone?.code == .invalidArgument)
            #expect(zone?.message.hasPrefix("time_zone: ") == true)
        }
    }

    @Test("a range with no order is an empty report of each kind")
    func emptyRange() async throws {
        try await ReportingShop.with { shop in
            try await Self.expectEmpty(shop)
        }
    }

    @Test("before the analytics schema exists, reports are empty and bad input is still refused")
    func noAnalyticsSchema() async throws {
        try await ReportingShop.with(analytics: false) { shop in
            try await Self.expectEmpty(shop, from: "2026-01-05", to: "2026-01-07")
            let error = await rpcError {
                _ = try await shop.reporting.salesReport(
                    ReportingShop.sales("2026-01-05", "2026-01-07", tz: "Mars/Olympus_Mons"),
                    metadata: shop.staff
                )
            }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test("a customer is refused every report; staff are not")
    func customerDenied() async throws {
        try await ReportingShop.with { shop in
            var funnel = Souk_Reporting_V1_OrderFunnelRequest()
            funnel.from = "2026-01-05"
            funnel.to = "2026-01-07"
            funnel.timeZone = "UTC"
            funnel.grouping = .day
            var top = Souk_Reporting_V1_TopProductsRequest()
            top.from = "2026-01-05"
            top.to = "2026-01-07"
            top.timeZone = "UTC"
            top.grouping = .day
            let sales = ReportingShop.sales("2026-01-05", "2026-01-07")
            let refusals = [
                await rpcError { _ = try await shop.reporting.salesReport(sales, metadata: shop.customer) },
                await rpcError { _ = try await shop.reporting.orderFunnel(funnel, metadata: shop.customer) },
                await rpcError { _ = try await shop.reporting.topProducts(top, metadata: shop.customer) },
            ]
            #expect(refusals.map { $0?.code } == [.permissionDenied, .permissionDenied, .permissionDenied])
            let anonymous = await rpcError { _ = try await shop.reporting.salesReport(sales) }
            #expect(anonymous?.code == .unauthenticated)
            let allowed = try await shop.reporting.salesReport(sales, metadata: shop.staff)
            #expect(!allowed.periods.isEmpty)
        }
    }

    private static func expectEmpty(
        _ shop: ReportingShop,
        from: String = "2025-06-01",
        to: String = "2025-06-30"
    ) async throws {
        let sales = try await shop.reporting.salesReport(ReportingShop.sales(from, to), metadata: shop.staff)
        #expect(sales.periods.isEmpty && sales.totals.isEmpty)
        var funnel = Souk_Reporting_V1_OrderFunnelRequest()
        funnel.from = from
        funnel.to = to
        funnel.timeZone = "Europe/Berlin"
        funnel.grouping = .week
        let orders = try await shop.reporting.orderFunnel(funnel, metadata: shop.staff)
        #expect(orders.periods.isEmpty && !orders.hasTotal)
        var top = Souk_Reporting_V1_TopProductsRequest()
        top.from = from
        top.to = to
        top.timeZone = "Europe/Berlin"
        top.grouping = .month
        let products = try await shop.reporting.topProducts(top, metadata: shop.staff)
        #expect(products.byRevenue.isEmpty && products.byUnits.isEmpty)
    }
}

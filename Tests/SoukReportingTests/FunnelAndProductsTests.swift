import GRPCCore
import SoukAPI
import TestSupport
import Testing

/// The order funnel and the top products over ``ReportingShop/fixture``, worked out by hand.
@Suite("Reporting: order funnel and top products")
struct FunnelAndProductsTests {
    /// placed, paid, packed, shipped, delivered; cancellation and refund rates as numerator/denominator.
    static func stages(_ period: Souk_Reporting_V1_FunnelPeriod) -> [Int64] {
        [
            period.placed, period.paid, period.packed, period.shipped, period.delivered,
            period.cancellationRate.numerator, period.cancellationRate.denominator, period.refundRate.numerator,
            period.refundRate.denominator,
        ]
    }

    @Test("orders by how far they went, per Berlin day and in total, with exact rates")
    func funnel() async throws {
        try await ReportingShop.with { shop in
            var request = Souk_Reporting_V1_OrderFunnelRequest()
            request.from = "2026-01-05"
            request.to = "2026-01-07"
            request.timeZone = "Europe/Berlin"
            request.grouping = .day
            let report = try await shop.reporting.orderFunnel(request, metadata: shop.staff)
            #expect(report.periods.map(\.periodStart) == ["2026-01-05", "2026-01-06"])
            #expect(
                report.periods.map(Self.stages) == [
                    // A paid, I delivered: placed 2; paid 2 (A, I); packed, shipped, delivered 1 (I); no
                    // cancellation or refund: 0/2 and 0/2.
                    [2, 2, 1, 1, 1, 0, 2, 0, 2],
                    // B delivered, C refunded, D cancelled, E shipped, F pending, G packed: placed 6;
                    // paid 4 (B, C, E, G: a refunded order was paid); packed 3 (B, E, G); shipped 2 (B, E);
                    // delivered 1 (B); cancelled 1/6 (D), refunded 1/6 (C).
                    [6, 4, 3, 2, 1, 1, 6, 1, 6],
                ]
            )
            let sixth = report.periods[1]
            #expect(
                [
                    sixth.pendingPaymentNow, sixth.paidNow, sixth.packedNow, sixth.shippedNow, sixth.deliveredNow,
                    sixth.cancelledNow, sixth.refundedNow,
                ] == [1, 0, 1, 1, 1, 1, 1]
            )
            // 2 + 6 = 8 placed, 2 + 4 = 6 paid, 1 + 3 = 4 packed, 1 + 2 = 3 shipped, 1 + 1 = 2 delivered; 1/8, 1/8.
            #expect(report.total.periodStart == "2026-01-05")
            #expect(Self.stages(report.total) == [8, 6, 4, 3, 2, 1, 8, 1, 8])
        }
    }

    @Test("the best sellers of a month by revenue per currency and by units over every currency")
    func topProducts() async throws {
        try await ReportingShop.with { shop in
            var request = Souk_Reporting_V1_TopProductsRequest()
            request.from = "2026-01-05"
            request.to = "2026-01-07"
            request.timeZone = "Europe/Berlin"
            request.grouping = .month
            request.limit = 2
            let report = try await shop.reporting.topProducts(request, metadata: shop.staff)
            // Sales in the range: A (MUG 2/6000, TEA 1/3000), I (POT 2/4000), B (TEA 3/4500), G (POT 1/7000) in
            // EUR; E (MUG 5/150000) in RUB. EUR: POT 4000 + 7000 = 11000 (3 units, 2 orders), TEA 3000 + 4500 =
            // 7500 (4 units, 2 orders), MUG 6000 (cut by the limit of 2). RUB: MUG 150000.
            #expect(
                report.byRevenue.map {
                    "\($0.periodStart) \($0.revenue.currency) #\($0.rank) \($0.sku) \($0.revenue.minorUnits) "
                        + "\($0.units)u \($0.orders)o"
                } == [
                    "2026-01-01 EUR #1 POT 11000 3u 2o",
                    "2026-01-01 EUR #2 TEA 7500 4u 2o",
                    "2026-01-01 RUB #1 MUG 150000 5u 1o",
                ]
            )
            // Units over both currencies: MUG 2 (A) + 5 (E) = 7 in 2 orders, TEA 1 + 3 = 4 in 2, POT 2 + 1 = 3 (cut).
            #expect(
                report.byUnits.map { "\($0.periodStart) #\($0.rank) \($0.sku) \($0.units)u \($0.orders)o" } == [
                    "2026-01-01 #1 MUG 7u 2o",
                    "2026-01-01 #2 TEA 4u 2o",
                ]
            )
            #expect(report.byUnits.allSatisfy { !$0.hasRevenue })
        }
    }
}

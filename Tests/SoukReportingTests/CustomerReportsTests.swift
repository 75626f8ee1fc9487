import Foundation
import GRPCCore
import SoukAPI
import TestSupport
import Testing

/// Purchases by currency and country, and the customers' RFM segments, against a fixture worked out by hand.
@Suite("Reporting: currencies, countries and customer segments")
struct CustomerReportsTests {
    static let c1 = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!
    static let c2 = UUID(uuidString: "00000000-0000-0000-0000-000000000002")!
    static let c3 = UUID(uuidString: "00000000-0000-0000-0000-000000000003")!
    static let c4 = UUID(uuidString: "00000000-0000-0000-0000-000000000004")!
    static let c5 = UUID(uuidString: "00000000-0000-0000-0000-000000000005")!

    /// One unit of a MUG per order, for `total` minor units.
    static func order(
        _ customer: UUID,
        _ placedAt: String,
        _ currency: String,
        _ total: Int64,
        status: String = "paid",
        country: String = "DE"
    ) -> ReportingShop.Order {
        ReportingShop.Order(
            placedAt: placedAt,
            currency: currency,
            status: status,
            totalMinor: total,
            lines: [("MUG", 1, total)],
            customer: customer,
            country: country
        )
    }

    /// c1 (EUR, DE) three sales in March and a refunded order; c2 (EUR, FR) one sale on 31 March and one after it;
    /// c3 (EUR, DE) two sales in January; c4 two RUB sales from RU and one EUR sale from DE (RUB is its main
    /// currency); c5 only a cancelled order.
    static let orders: [ReportingShop.Order] = [
        order(c1, "2026-03-10 12:00:00+00", "EUR", 3000),
        order(c1, "2026-03-20 12:00:00+00", "EUR", 2000, status: "delivered"),
        order(c1, "2026-03-30 12:00:00+00", "EUR", 1000, status: "shipped"),
        order(c1, "2026-03-12 12:00:00+00", "EUR", 9000, status: "refunded"),
        order(c2, "2026-03-31 10:00:00+00", "EUR", 500, country: "FR"),
        order(c2, "2026-04-01 01:00:00+00", "EUR", 777, country: "FR"),
        order(c3, "2026-01-05 12:00:00+00", "EUR", 4000),
        order(c3, "2026-01-10 12:00:00+00", "EUR", 4000, status: "packed"),
        order(c4, "2026-03-01 12:00:00+00", "RUB", 100_000, country: "RU"),
        order(c4, "2026-03-15 12:00:00+00", "RUB", 50_000, country: "RU"),
        order(c4, "2026-03-25 12:00:00+00", "EUR", 700),
        order(c5, "2026-03-05 12:00:00+00", "EUR", 1234, status: "cancelled"),
    ]

    static func segmentsRequest(
        asOf: String = "2026-03-31",
        currency: String = "",
        limit: Int32 = 0
    ) -> Souk_Reporting_V1_CustomerSegmentsRequest {
        var request = Souk_Reporting_V1_CustomerSegmentsRequest()
        request.asOf = asOf
        request.timeZone = "UTC"
        request.currency = currency
        request.limit = limit
        return request
    }

    @Test("sales by currency and country: cancelled, refunded and out-of-range orders left out")
    func currencyReport() async throws {
        try await ReportingShop.with(analytics: false) { shop in
            try await ReportingShop.load(Self.orders, into: shop.harness.databaseURL)
            var request = Souk_Reporting_V1_CurrencyReportRequest()
            request.from = "2026-03-01"
            request.to = "2026-03-31"
            request.timeZone = "UTC"
            request.grouping = .month
            let report = try await shop.reporting.currencyReport(request, metadata: shop.staff)
            // EUR from DE: c1's 3000 + 2000 + 1000 and c4's 700 (4 orders, 2 customers); EUR from FR: c2's 500 (its
            // April order is after the range); RUB from RU: c4's 100,000 + 50,000.
            let expected: [(String, String, Int64, Int64, Int64, Int64)] = [
                ("EUR", "DE", 4, 2, 6700, 4), ("EUR", "FR", 1, 1, 500, 1), ("RUB", "RU", 2, 1, 150_000, 2),
            ]
            for rows in [report.rows, report.totals] {
                #expect(rows.map(\.periodStart) == ["2026-03-01", "2026-03-01", "2026-03-01"])
                #expect(rows.map { ($0.currency, $0.country) }.elementsEqual(expected.map { ($0.0, $0.1) }, by: ==))
                #expect(rows.map(\.orders) == expected.map(\.2))
                #expect(rows.map(\.customers) == expected.map(\.3))
                #expect(rows.map(\.revenue.minorUnits) == expected.map(\.4))
                #expect(rows.map(\.revenue.currency) == ["EUR", "EUR", "RUB"])
                #expect(rows.map(\.units) == expected.map(\.5))
            }
            // By day: c1's three EUR days from DE, c4's EUR day, c2's last day from FR.
            request.grouping = .day
            let days = try await shop.reporting.currencyReport(request, metadata: shop.staff)
            #expect(
                days.rows.filter { $0.currency == "EUR" }.map(\.periodStart) == [
                    "2026-03-10", "2026-03-20", "2026-03-25", "2026-03-30", "2026-03-31",
                ]
            )
            #expect(days.totals.map(\.orders) == [4, 1, 2])
        }
    }

    @Test("RFM scores and segments per main currency, every customer counted and the first `limit` listed")
    func segments() async throws {
        try await ReportingShop.with(analytics: false) { shop in
            try await ReportingShop.load(Self.orders, into: shop.harness.databaseURL)
            let report = try await shop.reporting.customerSegments(Self.segmentsRequest(), metadata: shop.staff)
            // EUR customers, as of the end of 31 March (UTC): c1 last 30 Mar 12:00 (1 day), 3 orders, 6000; c2 last
            // 31 Mar 10:00 (0 days), 1 order, 500; c3 last 10 Jan 12:00 (80 days), 2 orders, 8000. Scores are
            // ceil(cume_dist × 5) among the three: by recency c3 1/3 → 2, c1 2/3 → 4, c2 1 → 5; by orders c2 → 2,
            // c3 → 4, c1 → 5; by spend c2 → 2, c1 → 4, c3 → 5. So c1 (4, 5, 4) is a champion, c3 (2, 4, 5) at risk
            // and c2 (5, 2, 2, one order) new. c4's main currency is RUB (two orders to one EUR): alone there, it
            // scores 5, 5, 5, with recency from its latest order of any currency (25 Mar 12:00: 6 days).
            let expected: [(UUID, String, Int64, Int64, Int64, [Int32], Souk_Reporting_V1_CustomerSegment)] = [
                (Self.c3, "EUR", 80, 2, 8000, [2, 4, 5], .atRisk),
                (Self.c1, "EUR", 1, 3, 6000, [4, 5, 4], .champions),
                (Self.c2, "EUR", 0, 1, 500, [5, 2, 2], .new),
                (Self.c4, "RUB", 6, 2, 150_000, [5, 5, 5], .champions),
            ]
            #expect(report.customers.map(\.customerID) == expected.map { $0.0.uuidString.lowercased() })
            #expect(report.customers.map(\.currency) == expected.map(\.1))
            #expect(report.customers.map(\.recencyDays) == expected.map(\.2))
            #expect(report.customers.map(\.frequency) == expected.map(\.3))
            #expect(report.customers.map(\.monetary.minorUnits) == expected.map(\.4))
            #expect(
                report.customers.map { [$0.recencyScore, $0.frequencyScore, $0.monetaryScore] } == expected.map(\.5)
            )
            #expect(report.customers.map(\.segment) == expected.map(\.6))

            // EUR: 3 customers, 6 orders, 14,500; RUB: 1 customer, 2 orders, 150,000.
            #expect(report.currencies.map(\.currency) == ["EUR", "RUB"])
            #expect(report.currencies.map(\.customers) == [3, 1])
            #expect(report.currencies.map(\.orders) == [6, 2])
            #expect(report.currencies.map(\.revenue.minorUnits) == [14_500, 150_000])
            #expect(
                report.currencies.map { [$0.ordersPerCustomer.numerator, $0.ordersPerCustomer.denominator] } == [
                    [6, 3], [2, 1],
                ]
            )
            #expect(
                report.segments.map {
                    "\($0.currency) \($0.segment) \($0.customers) \($0.orders) \($0.revenue.minorUnits)"
                } == [
                    "EUR champions 1 3 6000", "EUR new 1 1 500", "EUR atRisk 1 2 8000", "RUB champions 1 2 150000",
                ]
            )

            // Two listed, everyone still counted; one currency alone.
            let two = try await shop.reporting.customerSegments(Self.segmentsRequest(limit: 2), metadata: shop.staff)
            #expect(two.customers.map(\.customerID) == [Self.c3, Self.c1].map { $0.uuidString.lowercased() })
            #expect(two.currencies.map(\.customers) == [3, 1])
            let rub = try await shop.reporting.customerSegments(
                Self.segmentsRequest(currency: "RUB"),
                metadata: shop.staff
            )
            #expect(rub.customers.map(\.customerID) == [Self.c4.uuidString.lowercased()])
            #expect(rub.currencies.map(\.currency) == ["RUB"])
            // Before anyone bought: nothing.
            let early = try await shop.reporting.customerSegments(
                Self.segmentsRequest(asOf: "2026-01-04"),
                metadata: shop.staff
            )
            #expect(early.customers.isEmpty && early.currencies.isEmpty && early.segments.isEmpty)
        }
    }

    @Test("bad input named, and customers refused")
    func refusals() async throws {
        try await ReportingShop.with { shop in
            for (request, field) in [
                (Self.segmentsRequest(asOf: "2026-02-30"), "as_of"),
                (Self.segmentsRequest(asOf: ""), "as_of"),
                (Self.segmentsRequest(currency: "EURO"), "currency"),
                (Self.segmentsRequest(limit: 10_001), "limit"),
                (Self.segmentsRequest(limit: -1), "limit"),
            ] {
                let error = await #expect(throws: RPCError.self) {
                    try await shop.reporting.customerSegments(request, metadata: shop.staff)
                }
                #expect(error?.code == .invalidArgument && error?.message.hasPrefix("\(field):") == true)
            }
            var zone = Self.segmentsRequest()
            zone.timeZone = "Mars/Olympus"
            let unknown = await #expect(throws: RPCError.self) {
                try await shop.reporting.customerSegments(zone, metadata: shop.staff)
            }
            #expect(unknown?.code == .invalidArgument && unknown?.message.hasPrefix("time_zone:") == true)
            let denied = await #expect(throws: RPCError.self) {
                try await shop.reporting.customerSegments(Self.segmentsRequest(), metadata: shop.customer)
            }
            #expect(denied?.code == .permissionDenied)
            var currencies = Souk_Reporting_V1_CurrencyReportRequest()
            currencies.from = "2026-03-01"
            currencies.to = "2026-03-31"
            currencies.timeZone = "UTC"
            currencies.grouping = .unspecified
            let grouping = await #expect(throws: RPCError.self) {
                try await shop.reporting.currencyReport(currencies, metadata: shop.staff)
            }
            #expect(grouping?.code == .invalidArgument && grouping?.message.hasPrefix("grouping:") == true)
        }
    }
}

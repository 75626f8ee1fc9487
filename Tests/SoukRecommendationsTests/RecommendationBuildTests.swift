import Foundation
import GRPCCore
import Logging
import PostgresNIO
import SoukAPI
import SoukAnalytics
import SoukRecommender
import TestSupport
import Testing

/// `souk-worker recs build` end to end on the in-process rung: orders in the analytics schema, the lists built and
/// published as the worker's service account, then served.
@Suite("Recommendations: built from the analytics schema")
struct RecommendationBuildTests {
    static let day = 86_400.0

    /// The fixture of `RecommendationListsTests` with real products (milk MUG, bread CUP, apple TEA) and accounts:
    /// ann o4 on day 80 (MUG), o1 on day 100 (MUG, CUP); bob o2 on day 90 (MUG, TEA); a third customer o3 on day 100
    /// (CUP, TEA). Besides: ann's cancelled order of a PAN (not read) and bob's order of a SKU no product has (read,
    /// left out). Worked out by hand there: ann MUG, CUP, TEA; bob MUG, TEA, CUP; the third CUP and TEA (tied),
    /// then MUG; the MUG's neighbours CUP (0.53), TEA (0.31).
    @Test("the analytics schema's orders become the lists served, cancelled orders and unknown SKUs left out")
    func buildsAndPublishes() async throws {
        try await RecommendationShop.with { shop in
            let third = UUID().uuidString.lowercased()
            try await TestDatabase.withClient(shop.harness.databaseURL) { client in
                let store = AnalyticsStore(client: client, logger: Logger(label: "test"))
                try await store.migrate()
                try await Self.order(client, customer: shop.annID, day: 80, skus: ["MUG"])
                try await Self.order(client, customer: shop.annID, day: 100, skus: ["MUG", "CUP"])
                try await Self.order(client, customer: shop.annID, day: 99, status: "cancelled", skus: ["PAN"])
                try await Self.order(client, customer: shop.bobID, day: 90, skus: ["MUG", "TEA"])
                try await Self.order(client, customer: shop.bobID, day: 95, skus: ["GONE"])
                try await Self.order(client, customer: third, day: 100, skus: ["CUP", "TEA"])

                var parameters = RecommendationLists.Parameters()
                parameters.halfLifeDays = 10
                let build = RecommendationBuild(
                    catalog: shop.harness.catalog,
                    recommendations: shop.recommendations,
                    parameters: parameters,
                    metadata: shop.worker
                )
                let summary = try await build.run(store: store, now: Date(timeIntervalSince1970: 100 * Self.day))
                #expect(summary.lines == 8 && summary.unmappedLines == 1)
                #expect(summary.customers == 3 && summary.products == 3 && summary.version > 0)
            }
            #expect(shop.codes(try await shop.forCustomer(shop.ann)) == ["MUG", "CUP", "TEA"])
            #expect(shop.codes(try await shop.forCustomer(shop.bob)) == ["MUG", "TEA", "CUP"])
            let thirds = shop.codes(try await shop.forCustomer(shop.admin, customer: third))
            #expect(Set(thirds.prefix(2)) == ["CUP", "TEA"] && thirds.last == "MUG")
            let mug = try await shop.forProduct(try #require(shop.products["MUG"]))
            #expect(shop.codes(mug) == ["CUP", "TEA"])
            #expect(abs(mug.products[0].score - 0.534_522) < 1e-5)
            // The admin bought nothing: the popular list, the MUG (3 baskets) first.
            let popular = shop.codes(try await shop.forCustomer(shop.admin))
            #expect(popular.first == "MUG" && Set(popular) == ["MUG", "CUP", "TEA"])
        }
    }

    /// An order of one unit of each of `skus` by `customer` on `day`, as `souk-worker follow` would have stored it.
    static func order(
        _ client: PostgresClient,
        customer: String,
        day: Double,
        status: String = "delivered",
        skus: [String]
    ) async throws {
        let id = UUID()
        let customerID = try #require(UUID(uuidString: customer))
        let placed = Date(timeIntervalSince1970: day * Self.day)
        _ = try await client.query(
            """
            INSERT INTO analytics.orders (order_id, number, customer_id, status, currency, goods_total_minor,
                total_minor, country, region, placed_at, updated_at)
            VALUES (\(id), \(Int64(day)), \(customerID), \(status), 'RUB', 100, 100, 'RU', 'Moscow', \(placed),
                \(placed))
            """
        )
        for (index, sku) in skus.enumerated() {
            _ = try await client.query(
                """
                INSERT INTO analytics.order_lines (order_id, line, sku, quantity, unit_price_minor, line_total_minor)
                VALUES (\(id), \(Int32(index + 1)), \(sku), 1, 100, 100)
                """
            )
        }
    }
}

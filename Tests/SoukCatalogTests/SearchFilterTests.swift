import GRPCCore
import SoukAPI
import TestSupport
import Testing

@Suite("Search: price range and stock filters, sort orders, keyset pages")
struct SearchFilterTests {
    /// A category `kitchen` for the catalog the tests build.
    static func kitchen(_ harness: IdentityHarness, admin: Metadata) async throws -> String {
        var kitchen = Souk_Catalog_V1_CreateCategoryRequest()
        kitchen.name = "Kitchen"
        kitchen.slug = "kitchen"
        return try await harness.catalog.createCategory(kitchen, metadata: admin).id
    }

    /// Creates and publishes a product titled `title` with one SKU per entry of `skus` (code, prices).
    static func product(
        _ harness: IdentityHarness,
        admin: Metadata,
        category: String,
        title: String,
        skus: [(String, [(Int64, String)])]
    ) async throws -> String {
        var request = Souk_Catalog_V1_CreateProductRequest()
        request.categoryID = category
        request.title = title
        request.skus = skus.map { code, prices in
            var sku = Souk_Catalog_V1_Sku()
            sku.code = code
            sku.prices = prices.map { CatalogServiceTests.price($0.0, $0.1) }
            return sku
        }
        let product = try await harness.catalog.createProduct(request, metadata: admin)
        var publish = Souk_Catalog_V1_PublishProductRequest()
        publish.productID = product.id
        _ = try await harness.catalog.publishProduct(publish, metadata: admin)
        return product.id
    }

    /// Every page of `search`, following the tokens, with the page size it has.
    static func allPages(
        _ harness: IdentityHarness,
        _ search: Souk_Catalog_V1_SearchProductsRequest
    ) async throws -> (products: [Souk_Catalog_V1_Product], pages: Int) {
        var search = search
        var products: [Souk_Catalog_V1_Product] = []
        var pages = 0
        repeat {
            let page = try await harness.catalog.searchProducts(search)
            products += page.products
            pages += 1
            search.pageToken = page.nextPageToken
        } while !search.pageToken.isEmpty && pages < 50
        return (products, pages)
    }

    /// The catalog used by the price tests: merchant RUB prices, and SKUs priced only in USD, EUR or KWD (which
    /// has no stored rate to RUB).
    static func pricedCatalog(_ harness: IdentityHarness, admin: Metadata) async throws -> (String, [String: String]) {
        let category = try await Self.kitchen(harness, admin: admin)
        let entries: [(String, [(String, [(Int64, String)])])] = [
            ("Mug A", [("A-1", [(100_000, "RUB")]), ("A-2", [(300_000, "RUB")])]),
            ("Mug B", [("B-1", [(1_499, "USD")])]),
            ("Mug C", [("C-1", [(1_000, "EUR"), (95_000, "RUB")])]),
            ("Mug D", [("D-1", [(2_500, "EUR")])]),
            ("Mug E", [("E-1", [(1_000, "KWD")])]),
            ("Mug F", [("F-1", [(500, "USD"), (20_000, "RUB")]), ("F-2", [(9_999, "USD")])]),
            ("Mug G", [("G-1", [(5_000, "USD")])]),
        ]
        var ids: [String: String] = [:]
        for (title, skus) in entries {
            ids[title] = try await Self.product(harness, admin: admin, category: category, title: title, skus: skus)
        }
        return (category, ids)
    }

    /// Each product's SKU prices in RUB as GetProduct shows them (nil when one has no rate to RUB).
    static func rubPrices(_ harness: IdentityHarness, ids: [String]) async throws -> [String: [Int64]] {
        var prices: [String: [Int64]] = [:]
        for id in ids {
            var get = Souk_Catalog_V1_GetProductRequest()
            get.productID = id
            get.currency = "RUB"
            guard let product = try? await harness.catalog.getProduct(get) else { continue }
            prices[id] = product.skus.map { $0.displayPrice.minorUnits }
        }
        return prices
    }

    @Test("a RUB price range matches merchant RUB prices and prices converted from USD and EUR, as GetProduct shows")
    func priceRange() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let (category, ids) = try await Self.pricedCatalog(harness, admin: admin)
            let prices = try await Self.rubPrices(harness, ids: Array(ids.values))
            #expect(prices[ids["Mug E"]!] == nil, "KWD has no stored rate to RUB")
            #expect(prices[ids["Mug C"]!] == [95_000], "the merchant's RUB price wins over the converted EUR price")
            for (low, high) in [(Int64(90_000), Int64(200_000)), (0, 150_000), (200_000, 10_000_000), (95_000, 95_000)]
            {
                var search = Souk_Catalog_V1_SearchProductsRequest()
                search.categoryID = category
                search.currency = "RUB"
                search.minPrice = low
                search.maxPrice = high
                search.pageSize = 100
                let found = Set(try await harness.catalog.searchProducts(search).products.map(\.id))
                let expected = Set(prices.filter { $0.value.contains { (low...high).contains($0) } }.keys)
                #expect(found == expected, "\(low)…\(high)")
            }
            // Converted and merchant prices both fall in the first range; every SKU's exact price finds its product.
            let first = Set(prices.filter { $0.value.contains { (90_000...200_000).contains($0) } }.keys)
            #expect(first == [ids["Mug A"]!, ids["Mug B"]!, ids["Mug C"]!])
            try await Self.expectExactMatches(harness, category: category, currency: "RUB", prices: prices)
            // Only a lower bound: everything priced at or above it, the KWD product never.
            var search = Souk_Catalog_V1_SearchProductsRequest()
            search.currency = "RUB"
            search.minPrice = 0
            search.pageSize = 100
            let all = try await harness.catalog.searchProducts(search).products
            #expect(Set(all.map(\.id)) == Set(prices.keys))
            #expect(all.allSatisfy { $0.skus.allSatisfy { $0.displayPrice.currency == "RUB" } })
            // Without a price filter the KWD product is listed, with no display price for its SKU.
            search.clearMinPrice()
            let listed = try await harness.catalog.searchProducts(search).products
            let kwd = try #require(listed.first { $0.id == ids["Mug E"] })
            #expect(!kwd.skus[0].hasDisplayPrice)
        }
    }

    /// For each SKU price GetProduct shows, a range of exactly that price finds the product: SQL rounds as Swift.
    static func expectExactMatches(
        _ harness: IdentityHarness,
        category: String,
        currency: String,
        prices: [String: [Int64]]
    ) async throws {
        for (id, skuPrices) in prices {
            for price in skuPrices {
                var search = Souk_Catalog_V1_SearchProductsRequest()
                search.categoryID = category
                search.currency = currency
                search.minPrice = price
                search.maxPrice = price
                search.pageSize = 100
                let found = try await harness.catalog.searchProducts(search).products.map(\.id)
                #expect(found.contains(id), "\(price) \(currency)")
            }
        }
    }

    @Test(
        "in USD, JPY, KZT and GBP, inverted and crossed rates and other exponents give GetProduct's prices exactly",
        arguments: ["USD", "JPY", "KZT", "GBP"]
    )
    func otherCurrencies(currency: String) async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let category = try await Self.kitchen(harness, admin: admin)
            let bases: [(Int64, String)] = [
                (123_457, "RUB"), (99_999, "RUB"), (1_234, "EUR"), (777, "JPY"), (1_001, "USD"), (3_333, "GBP"),
                (250_050, "KZT"), (12_345, "CNY"), (5, "RUB"),
            ]
            var ids: [String] = []
            for (index, base) in bases.enumerated() {
                ids.append(
                    try await Self.product(
                        harness,
                        admin: admin,
                        category: category,
                        title: "Kettle \(index)",
                        skus: [("X-\(index)", [base])]
                    )
                )
            }
            var prices: [String: [Int64]] = [:]
            for id in ids {
                var get = Souk_Catalog_V1_GetProductRequest()
                get.productID = id
                get.currency = currency
                guard let product = try? await harness.catalog.getProduct(get) else { continue }
                prices[id] = product.skus.map { $0.displayPrice.minorUnits }
            }
            #expect(prices.count >= bases.count / 2, "most bases convert to \(currency)")
            try await Self.expectExactMatches(harness, category: category, currency: currency, prices: prices)
            var search = Souk_Catalog_V1_SearchProductsRequest()
            search.currency = currency
            search.sort = .priceDescending
            search.pageSize = 4
            let order = try await Self.allPages(harness, search).products.map(\.id)
            let expected = prices.mapValues { $0.min()! }.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.map(\.key)
            #expect(order == expected)
        }
    }

    @Test("price orders follow each product's lowest SKU price over pages of 2, no duplicates or gaps")
    func priceOrders() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let (category, ids) = try await Self.pricedCatalog(harness, admin: admin)
            let prices = try await Self.rubPrices(harness, ids: Array(ids.values))
            let lowest = prices.mapValues { $0.min()! }
            let ascending = lowest.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)
            let descending = lowest.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.map(\.key)
            for (sort, expected) in [
                (Souk_Catalog_V1_ProductSort.priceAscending, ascending), (.priceDescending, descending),
            ] {
                var search = Souk_Catalog_V1_SearchProductsRequest()
                search.categoryID = category
                search.currency = "RUB"
                search.sort = sort
                search.pageSize = 2
                let (products, pages) = try await Self.allPages(harness, search)
                #expect(products.map(\.id) == expected, "\(sort)")
                #expect(pages == 3)
            }
            // A filtered price order pages too.
            var search = Souk_Catalog_V1_SearchProductsRequest()
            search.currency = "RUB"
            search.sort = .priceAscending
            search.maxPrice = 150_000
            search.pageSize = 1
            let filtered = try await Self.allPages(harness, search).products.map(\.id)
            let cheap = prices.filter { $0.value.contains { $0 <= 150_000 } }.keys
            #expect(filtered == ascending.filter(cheap.contains))
        }
    }

    @Test("newest first, and relevance with a query, page without duplicates or gaps")
    func newestAndRelevance() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let category = try await Self.kitchen(harness, admin: admin)
            var created: [String] = []
            for index in 0..<5 {
                let title = index % 2 == 0 ? "Teapot \(index)" : "Mug and teapot \(index), a teapot mug"
                created.append(
                    try await Self.product(
                        harness,
                        admin: admin,
                        category: category,
                        title: title,
                        skus: [("N-\(index)", [(1_000, "RUB")])]
                    )
                )
            }
            for sort in [Souk_Catalog_V1_ProductSort.newest, .unspecified] {
                var search = Souk_Catalog_V1_SearchProductsRequest()
                search.sort = sort
                search.pageSize = 2
                let (products, pages) = try await Self.allPages(harness, search)
                #expect(products.map(\.id) == created.reversed(), "\(sort)")
                #expect(pages == 3)
            }
            var search = Souk_Catalog_V1_SearchProductsRequest()
            search.query = "teapot"
            search.pageSize = 2
            let (products, pages) = try await Self.allPages(harness, search)
            #expect(products.count == 5 && Set(products.map(\.id)) == Set(created))
            #expect(pages == 3)
            let first = try await harness.catalog.searchProducts(search)
            #expect(first.products[0].title.hasPrefix("Mug and teapot"), "two mentions rank above one")
            search.query = "mug"
            search.pageSize = 1
            let mugs = try await Self.allPages(harness, search).products.map(\.id)
            #expect(mugs.count == 2 && Set(mugs) == [created[1], created[3]])
        }
    }

    @Test("in_stock keeps products with a SKU available in some warehouse")
    func inStock() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let category = try await Self.kitchen(harness, admin: admin)
            var ids: [String] = []
            for index in 0..<4 {
                ids.append(
                    try await Self.product(
                        harness,
                        admin: admin,
                        category: category,
                        title: "Pan \(index)",
                        skus: [("S-\(index)-A", [(1_000, "RUB")]), ("S-\(index)-B", [(2_000, "RUB")])]
                    )
                )
            }
            // 0: none; 1: its second SKU in SPB; 2: none left after a reservation; 3: zero on hand.
            for (sku, warehouse, units) in [("S-1-B", "SPB-1", Int32(4)), ("S-2-A", "MSK-1", 1), ("S-3-A", "MSK-1", 0)]
            {
                var stock = Souk_Catalog_V1_SetStockRequest()
                stock.sku = sku
                stock.warehouse = warehouse
                stock.onHand = units
                _ = try await harness.catalog.setStock(stock, metadata: admin)
            }
            var reserve = Souk_Catalog_V1_ReserveStockRequest()
            reserve.sku = "S-2-A"
            reserve.quantity = 1
            _ = try await harness.catalog.reserveStock(reserve, metadata: admin)
            var search = Souk_Catalog_V1_SearchProductsRequest()
            search.inStock = true
            #expect(try await harness.catalog.searchProducts(search).products.map(\.id) == [ids[1]])
            search.inStock = false
            #expect(try await harness.catalog.searchProducts(search).products.count == 4)
        }
    }

    @Test("garbage tokens, tokens of another order or currency, and price filters without a currency are refused")
    func refusals() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let category = try await Self.kitchen(harness, admin: admin)
            for index in 0..<3 {
                _ = try await Self.product(
                    harness,
                    admin: admin,
                    category: category,
                    title: "Cup \(index)",
                    skus: [("R-\(index)", [(1_000 * Int64(index + 1), "RUB")])]
                )
            }
            var newest = Souk_Catalog_V1_SearchProductsRequest()
            newest.pageSize = 1
            let newestToken = try await harness.catalog.searchProducts(newest).nextPageToken
            var cheapest = newest
            cheapest.sort = .priceAscending
            cheapest.currency = "RUB"
            let priceToken = try await harness.catalog.searchProducts(cheapest).nextPageToken
            #expect(!newestToken.isEmpty && !priceToken.isEmpty)

            var garbage = newest
            garbage.pageToken = "not-a-token"
            var forged = newest
            forged.pageToken =
                "eyJvIjoibmV3ZXN0IiwiayI6ImFiYyIsImkiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAifQ"
            var otherOrder = cheapest
            otherOrder.pageToken = newestToken
            var otherCurrency = cheapest
            otherCurrency.currency = "USD"
            otherCurrency.pageToken = priceToken
            var noCurrency = newest
            noCurrency.minPrice = 100
            var sortNoCurrency = newest
            sortNoCurrency.sort = .priceDescending
            var inverted = cheapest
            inverted.minPrice = 500
            inverted.maxPrice = 100
            let cases: [(Souk_Catalog_V1_SearchProductsRequest, String)] = [
                (garbage, "page_token"), (forged, "page_token"), (otherOrder, "page_token"),
                (otherCurrency, "page_token"), (noCurrency, "currency: required with min_price/max_price"),
                (sortNoCurrency, "currency"), (inverted, "min_price"),
            ]
            for (request, prefix) in cases {
                let error = await rpcError { _ = try await harness.catalog.searchProducts(request) }
                #expect(error?.code == .invalidArgument, "\(prefix)")
                #expect(error?.message.hasPrefix(prefix) == true, "\(String(describing: error))")
            }
        }
    }
}

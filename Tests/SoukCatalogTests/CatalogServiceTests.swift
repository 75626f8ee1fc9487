import GRPCCore
import SoukAPI
import TestSupport
import Testing

@Suite("Catalog against PostgreSQL, over SWP")
struct CatalogServiceTests {
    static func price(_ minor: Int64, _ currency: String) -> Souk_Catalog_V1_Money {
        var money = Souk_Catalog_V1_Money()
        money.minorUnits = minor
        money.currency = currency
        return money
    }

    static func mug(category: String, sku: String = "MUG-350") -> Souk_Catalog_V1_CreateProductRequest {
        var request = Souk_Catalog_V1_CreateProductRequest()
        request.categoryID = category
        request.title = "Керамическая кружка / ceramic mug, 350 ml"
        request.description_p = "Кружка для чая и кофе. A mug for tea and coffee."
        request.imageUrls = ["https://img.shop.example/mug.jpg"]
        var variant = Souk_Catalog_V1_Sku()
        variant.code = sku
        variant.attributes = ["colour": "white"]
        variant.prices = [Self.price(129_000, "RUB"), Self.price(1_499, "USD")]
        request.skus = [variant]
        return request
    }

    @Test("staff create and publish; drafts stay hidden; prices convert at stored rates; search in both languages")
    func lifecycle() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            var kitchen = Souk_Catalog_V1_CreateCategoryRequest()
            kitchen.name = "Кухня"
            kitchen.slug = "kitchen"
            let category = try await harness.catalog.createCategory(kitchen, metadata: admin)
            var cups = Souk_Catalog_V1_CreateCategoryRequest()
            cups.parentID = category.id
            cups.name = "Чашки"
            cups.slug = "cups"
            let child = try await harness.catalog.createCategory(cups, metadata: admin)

            let draft = try await harness.catalog.createProduct(Self.mug(category: child.id), metadata: admin)
            #expect(draft.state == .draft)
            var get = Souk_Catalog_V1_GetProductRequest()
            get.productID = draft.id
            let hidden = await rpcError { _ = try await harness.catalog.getProduct(get) }
            #expect(hidden?.code == .notFound, "a draft does not exist for customers")
            _ = try await harness.catalog.getProduct(get, metadata: admin)

            var publish = Souk_Catalog_V1_PublishProductRequest()
            publish.productID = draft.id
            #expect(try await harness.catalog.publishProduct(publish, metadata: admin).state == .published)

            get.currency = "USD"
            #expect(
                try await harness.catalog.getProduct(get).skus[0].displayPrice == Self.price(1_499, "USD"),
                "set by the merchant"
            )
            get.currency = "EUR"
            // 1290.00 RUB at the CBR snapshot's EUR rate 91.7919: 1290 / 91.7919 = 14.0535… → 14.05 EUR.
            #expect(try await harness.catalog.getProduct(get).skus[0].displayPrice == Self.price(1_405, "EUR"))
            get.currency = "XYZ"
            let unsupported = await rpcError { _ = try await harness.catalog.getProduct(get) }
            #expect(unsupported?.code == .invalidArgument)
            get.currency = "KWD"
            let noRate = await rpcError { _ = try await harness.catalog.getProduct(get) }
            #expect(noRate?.code == .failedPrecondition)
            #expect(noRate?.message.contains("no stored rate") == true)

            // Capitals in the title or the query do not matter, in Cyrillic too (the cluster's LC_CTYPE is C.UTF-8).
            for (words, expected) in [
                ("кружки", 1), ("керамическая", 1), ("КРУЖКА", 1), ("mugs", 1), ("coffee", 1), ("телевизор", 0),
            ] {
                var search = Souk_Catalog_V1_SearchProductsRequest()
                search.query = words
                search.categoryID = category.id
                #expect(try await harness.catalog.searchProducts(search).products.count == expected, "\(words)")
            }
        }
    }

    @Test("customers cannot edit; bad products are refused with the field named and nothing written")
    func badInput() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let customer = IdentityHarness.bearer(try await harness.customer(email: "ann@example.com").accessToken)
            var kitchen = Souk_Catalog_V1_CreateCategoryRequest()
            kitchen.name = "Kitchen"
            kitchen.slug = "kitchen"
            let denied = await rpcError { _ = try await harness.catalog.createCategory(kitchen, metadata: customer) }
            #expect(denied?.code == .permissionDenied)
            let category = try await harness.catalog.createCategory(kitchen, metadata: admin)
            let duplicateSlug = await rpcError {
                _ = try await harness.catalog.createCategory(kitchen, metadata: admin)
            }
            #expect(duplicateSlug?.code == .alreadyExists)

            var noSkus = Self.mug(category: category.id)
            noSkus.skus = []
            var negative = Self.mug(category: category.id)
            negative.skus[0].prices[0].minorUnits = -1
            var unknownCurrency = Self.mug(category: category.id)
            unknownCurrency.skus[0].prices[1].currency = "XYZ"
            let unknownCategory = Self.mug(category: "00000000-0000-0000-0000-000000000000")
            let cases: [(Souk_Catalog_V1_CreateProductRequest, RPCError.Code, String)] = [
                (noSkus, .invalidArgument, "skus"),
                (negative, .invalidArgument, "skus[0].prices[0].minor_units"),
                (unknownCurrency, .invalidArgument, "skus[0].prices[1].currency"),
                (unknownCategory, .notFound, "category_id"),
            ]
            for (request, code, field) in cases {
                let error = await rpcError { _ = try await harness.catalog.createProduct(request, metadata: admin) }
                #expect(error?.code == code, "\(field)")
                #expect(error?.message.hasPrefix(field) == true, "\(String(describing: error))")
            }
            _ = try await harness.catalog.createProduct(Self.mug(category: category.id), metadata: admin)
            // A second product reusing the SKU code: refused, and its product row rolled back with it.
            let reused = await rpcError {
                _ = try await harness.catalog.createProduct(Self.mug(category: category.id), metadata: admin)
            }
            #expect(reused?.code == .alreadyExists)
            var all = Souk_Catalog_V1_SearchProductsRequest()
            all.categoryID = category.id
            #expect(try await harness.catalog.searchProducts(all).products.isEmpty, "nothing is published yet")
        }
    }

    @Test("search pages with a keyset token")
    func paging() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            var kitchen = Souk_Catalog_V1_CreateCategoryRequest()
            kitchen.name = "Kitchen"
            kitchen.slug = "kitchen"
            let category = try await harness.catalog.createCategory(kitchen, metadata: admin)
            var published: Set<String> = []
            for index in 0..<3 {
                let product = try await harness.catalog.createProduct(
                    Self.mug(category: category.id, sku: "MUG-\(index)"),
                    metadata: admin
                )
                var publish = Souk_Catalog_V1_PublishProductRequest()
                publish.productID = product.id
                _ = try await harness.catalog.publishProduct(publish, metadata: admin)
                published.insert(product.id)
            }
            var search = Souk_Catalog_V1_SearchProductsRequest()
            search.query = "mug"
            search.pageSize = 2
            let first = try await harness.catalog.searchProducts(search)
            #expect(first.products.count == 2)
            #expect(!first.nextPageToken.isEmpty)
            search.pageToken = first.nextPageToken
            let second = try await harness.catalog.searchProducts(search)
            #expect(second.products.count == 1)
            #expect(second.nextPageToken.isEmpty)
            #expect(Set((first.products + second.products).map(\.id)) == published)
        }
    }

    @Test("staff list drafts with include_drafts; anyone else asking for drafts is refused")
    func drafts() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let draft = try await Self.draftMug(harness, admin: admin)
            var search = Souk_Catalog_V1_SearchProductsRequest()
            #expect(try await harness.catalog.searchProducts(search, metadata: admin).products.isEmpty)
            search.includeDrafts = true
            #expect(try await harness.catalog.searchProducts(search, metadata: admin).products.map(\.id) == [draft.id])
            let anonymous = await rpcError { _ = try await harness.catalog.searchProducts(search) }
            #expect(anonymous?.code == .permissionDenied)
            let customer = IdentityHarness.bearer(try await harness.customer(email: "ann@example.com").accessToken)
            let refused = await rpcError { _ = try await harness.catalog.searchProducts(search, metadata: customer) }
            #expect(refused?.code == .permissionDenied)
            #expect(refused?.message.hasPrefix("include_drafts:") == true)
        }
    }

    @Test("a product is named by its id or the start of its id as a table cuts it; a draft's prefix only for staff")
    func productPrefixes() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let draft = try await Self.draftMug(harness, admin: admin)
            let cut = String(draft.id.prefix(8)) + "…"
            var get = Souk_Catalog_V1_GetProductRequest()
            get.productID = cut
            #expect(try await harness.catalog.getProduct(get, metadata: admin).id == draft.id)
            // To a customer the draft does not exist, by prefix as by id.
            let customer = IdentityHarness.bearer(try await harness.customer(email: "ann@example.com").accessToken)
            let hidden = await rpcError { _ = try await harness.catalog.getProduct(get, metadata: customer) }
            #expect(hidden?.code == .notFound)
            var publish = Souk_Catalog_V1_PublishProductRequest()
            publish.productID = " \(draft.id.prefix(13).uppercased()) "
            #expect(try await harness.catalog.publishProduct(publish, metadata: admin).state == .published)
            #expect(try await harness.catalog.getProduct(get, metadata: customer).id == draft.id)
            var edit = Souk_Catalog_V1_UpdateProductRequest()
            edit.productID = cut
            edit.title = "Кружка / mug"
            #expect(try await harness.catalog.updateProduct(edit, metadata: admin).title == "Кружка / mug")
            for malformed in ["", "3f2a", "3f2a1b%", "mug-350", String(draft.id.prefix(8)) + "x"] {
                get.productID = malformed
                let error = await rpcError { _ = try await harness.catalog.getProduct(get, metadata: admin) }
                #expect(error?.code == .invalidArgument, "\(malformed)")
                #expect(error?.message.hasPrefix("product_id: ") == true, "\(malformed)")
            }
        }
    }

    /// A draft mug in a new "kitchen" category, created by `admin`.
    static func draftMug(_ harness: IdentityHarness, admin: Metadata) async throws -> Souk_Catalog_V1_Product {
        var kitchen = Souk_Catalog_V1_CreateCategoryRequest()
        kitchen.name = "Kitchen"
        kitchen.slug = "kitchen"
        let category = try await harness.catalog.createCategory(kitchen, metadata: admin)
        return try await harness.catalog.createProduct(Self.mug(category: category.id), metadata: admin)
    }
}

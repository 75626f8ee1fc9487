import GRPCCore
import SoukAPI
import TestSupport
import Testing

@Suite("UpdateProduct: only the fields set change, in one transaction, by the create rules")
struct ProductEditingTests {
    /// A published mug (SKU MUG-350) in `kitchen`, plus a second category `cups` and a second product (SKU CUP-1).
    static func setUp(
        _ harness: IdentityHarness,
        admin: Metadata
    ) async throws -> (product: Souk_Catalog_V1_Product, cups: String) {
        let kitchen = try await SearchFilterTests.kitchen(harness, admin: admin)
        var cups = Souk_Catalog_V1_CreateCategoryRequest()
        cups.name = "Cups"
        cups.slug = "cups"
        let other = try await harness.catalog.createCategory(cups, metadata: admin)
        let product = try await harness.catalog.createProduct(
            CatalogServiceTests.mug(category: kitchen),
            metadata: admin
        )
        var publish = Souk_Catalog_V1_PublishProductRequest()
        publish.productID = product.id
        let published = try await harness.catalog.publishProduct(publish, metadata: admin)
        _ = try await harness.catalog.createProduct(
            CatalogServiceTests.mug(category: kitchen, sku: "CUP-1"),
            metadata: admin
        )
        return (published, other.id)
    }

    static func read(_ harness: IdentityHarness, admin: Metadata, id: String) async throws -> Souk_Catalog_V1_Product {
        var get = Souk_Catalog_V1_GetProductRequest()
        get.productID = id
        return try await harness.catalog.getProduct(get, metadata: admin)
    }

    @Test("each field changes alone; the others stay as they were")
    func eachField() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let (original, cups) = try await Self.setUp(harness, admin: admin)
            var expected = original
            let changes:
                [(
                    String, (inout Souk_Catalog_V1_UpdateProductRequest) -> Void,
                    (inout Souk_Catalog_V1_Product) -> Void
                )] = [
                    ("title", { $0.title = "  Big mug  " }, { $0.title = "Big mug" }),
                    ("description", { $0.description_p = "" }, { $0.description_p = "" }),
                    ("category_id", { $0.categoryID = cups }, { $0.categoryID = cups }),
                    (
                        "image_urls",
                        { $0.imageUrls.urls = ["https://img.shop.example/a.jpg", "https://img.shop.example/b.jpg"] },
                        { $0.imageUrls = ["https://img.shop.example/a.jpg", "https://img.shop.example/b.jpg"] }
                    ),
                    (
                        "image_urls on the shop's web root",
                        { $0.imageUrls.urls = ["/shop/img/demo/cookware.svg"] },
                        { $0.imageUrls = ["/shop/img/demo/cookware.svg"] }
                    ),
                    ("image_urls cleared", { $0.imageUrls = .init() }, { $0.imageUrls = [] }),
                    (
                        "attributes", { $0.attributes.values = ["material": "clay"] },
                        { $0.attributes = ["material": "clay"] }
                    ),
                    (
                        "sku_prices",
                        {
                            var prices = Souk_Catalog_V1_SkuPrices()
                            prices.sku = "MUG-350"
                            prices.prices = [
                                CatalogServiceTests.price(1_500, "EUR"), CatalogServiceTests.price(99_000, "RUB"),
                            ]
                            $0.skuPrices = [prices]
                        },
                        {
                            $0.skus[0].prices = [
                                CatalogServiceTests.price(1_500, "EUR"), CatalogServiceTests.price(99_000, "RUB"),
                            ]
                        }
                    ),
                    ("unpublish", { $0.unpublish = true }, { $0.state = .draft }),
                ]
            for (name, change, apply) in changes {
                var request = Souk_Catalog_V1_UpdateProductRequest()
                request.productID = original.id
                change(&request)
                apply(&expected)
                let returned = try await harness.catalog.updateProduct(request, metadata: admin)
                #expect(returned == expected, "\(name)")
                #expect(try await Self.read(harness, admin: admin, id: original.id) == expected, "\(name) read back")
            }
            // The new prices are the ones shown: EUR is the merchant's, USD converts from the new EUR base.
            var get = Souk_Catalog_V1_GetProductRequest()
            get.productID = original.id
            get.currency = "RUB"
            #expect(
                try await harness.catalog.getProduct(get, metadata: admin).skus[0].displayPrice.minorUnits == 99_000
            )
            let hidden = await rpcError { _ = try await harness.catalog.getProduct(get) }
            #expect(hidden?.code == .notFound, "unpublished: a customer no longer sees it")
        }
    }

    @Test("a bad field is refused with its name and nothing changes, not even the good fields beside it")
    func badFieldChangesNothing() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let (original, _) = try await Self.setUp(harness, admin: admin)
            func update(
                _ change: (inout Souk_Catalog_V1_UpdateProductRequest) -> Void
            ) -> Souk_Catalog_V1_UpdateProductRequest {
                var request = Souk_Catalog_V1_UpdateProductRequest()
                request.productID = original.id
                request.title = "Changed"
                request.unpublish = true
                change(&request)
                return request
            }
            func prices(_ sku: String, _ prices: [Souk_Catalog_V1_Money]) -> Souk_Catalog_V1_SkuPrices {
                var entry = Souk_Catalog_V1_SkuPrices()
                entry.sku = sku
                entry.prices = prices
                return entry
            }
            let cases: [(Souk_Catalog_V1_UpdateProductRequest, RPCError.Code, String)] = [
                (update { $0.title = "   " }, .invalidArgument, "title"),
                (update { $0.description_p = String(repeating: "x", count: 5001) }, .invalidArgument, "description"),
                (update { $0.imageUrls.urls = ["http://plain.example/a.jpg"] }, .invalidArgument, "image_urls.urls[0]"),
                (update { $0.imageUrls.urls = ["//evil.example/a.jpg"] }, .invalidArgument, "image_urls.urls[0]"),
                (update { $0.imageUrls.urls = ["/shop/../tls/key.pem"] }, .invalidArgument, "image_urls.urls[0]"),
                (
                    update { $0.imageUrls.urls = ["/a.svg", "javascript:alert(1)"] }, .invalidArgument,
                    "image_urls.urls[1]"
                ),
                (update { $0.attributes.values = ["": "empty name"] }, .invalidArgument, "attributes.values"),
                (update { $0.categoryID = "nope" }, .invalidArgument, "category_id"),
                (
                    update { $0.categoryID = "00000000-0000-0000-0000-000000000000" }, .notFound,
                    "category_id"
                ),
                (
                    update { $0.skuPrices = [prices("MUG-350", [CatalogServiceTests.price(1, "XYZ")])] },
                    .invalidArgument, "sku_prices[0].prices[0].currency"
                ),
                (
                    update { $0.skuPrices = [prices("MUG-350", [CatalogServiceTests.price(-1, "RUB")])] },
                    .invalidArgument, "sku_prices[0].prices[0].minor_units"
                ),
                (update { $0.skuPrices = [prices("MUG-350", [])] }, .invalidArgument, "sku_prices[0].prices"),
                (
                    update {
                        $0.skuPrices = [
                            prices("MUG-350", [CatalogServiceTests.price(1, "RUB")]),
                            prices("CUP-1", [CatalogServiceTests.price(1, "RUB")]),
                        ]
                    }, .notFound, "sku_prices[1].sku"
                ),
                (
                    update { $0.skuPrices = [prices("NO-SUCH", [CatalogServiceTests.price(1, "RUB")])] },
                    .notFound, "sku_prices[0].sku"
                ),
            ]
            for (request, code, field) in cases {
                let error = await rpcError { _ = try await harness.catalog.updateProduct(request, metadata: admin) }
                #expect(error?.code == code, "\(field)")
                #expect(error?.message.hasPrefix(field + ":") == true, "\(String(describing: error))")
                #expect(try await Self.read(harness, admin: admin, id: original.id) == original, "\(field)")
            }
        }
    }

    @Test("an unknown product is NOT_FOUND; a customer is refused")
    func unknownAndDenied() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let customer = IdentityHarness.bearer(try await harness.customer(email: "ann@example.com").accessToken)
            let (original, _) = try await Self.setUp(harness, admin: admin)
            var request = Souk_Catalog_V1_UpdateProductRequest()
            request.productID = "00000000-0000-0000-0000-000000000000"
            request.title = "Ghost"
            let unknown = await rpcError { _ = try await harness.catalog.updateProduct(request, metadata: admin) }
            #expect(unknown?.code == .notFound)
            #expect(unknown?.message.hasPrefix("product_id:") == true)
            request.productID = original.id
            let denied = await rpcError { _ = try await harness.catalog.updateProduct(request, metadata: customer) }
            #expect(denied?.code == .permissionDenied)
            let anonymous = await rpcError { _ = try await harness.catalog.updateProduct(request) }
            #expect(anonymous?.code == .unauthenticated || anonymous?.code == .permissionDenied)
            #expect(try await Self.read(harness, admin: admin, id: original.id) == original)
        }
    }
}

import GRPCCore
import SoukAPI
import TestSupport
import Testing

@Suite("SKU package sizes: set on create, update and import; shown on every product read and cart line")
struct PackageSizeTests {
    static func size(_ grams: Int32, _ length: Int32, _ width: Int32, _ height: Int32) -> Souk_Catalog_V1_PackageSize {
        var size = Souk_Catalog_V1_PackageSize()
        size.weightGrams = grams
        size.lengthMm = length
        size.widthMm = width
        size.heightMm = height
        return size
    }

    /// A mug with a packed size, and a second SKU without one.
    static func sizedMug(category: String) -> Souk_Catalog_V1_CreateProductRequest {
        var request = CatalogServiceTests.mug(category: category)
        request.skus[0].package = Self.size(450, 120, 90, 100)
        var plain = Souk_Catalog_V1_Sku()
        plain.code = "MUG-500"
        plain.prices = [CatalogServiceTests.price(149_000, "RUB")]
        request.skus.append(plain)
        return request
    }

    @Test("a size set on create is shown by CreateProduct, GetProduct, SearchProducts and every cart line")
    func everyRead() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let kitchen = try await SearchFilterTests.kitchen(harness, admin: admin)
            let created = try await harness.catalog.createProduct(Self.sizedMug(category: kitchen), metadata: admin)
            #expect(created.skus.map(\.package) == [Self.size(450, 120, 90, 100), Self.size(0, 0, 0, 0)])
            #expect(created.skus.allSatisfy { $0.hasPackage }, "answered even when nothing is said")
            var publish = Souk_Catalog_V1_PublishProductRequest()
            publish.productID = created.id
            _ = try await harness.catalog.publishProduct(publish, metadata: admin)

            var get = Souk_Catalog_V1_GetProductRequest()
            get.productID = created.id
            get.currency = "USD"
            let read = try await harness.catalog.getProduct(get)
            #expect(read.skus.map(\.package) == created.skus.map(\.package))
            var search = Souk_Catalog_V1_SearchProductsRequest()
            search.query = "mug"
            search.currency = "EUR"
            let found = try await harness.catalog.searchProducts(search).products
            #expect(found.first?.skus.map(\.package) == created.skus.map(\.package))

            let ann = IdentityHarness.bearer(try await harness.customer(email: "ann@example.com").accessToken)
            for (sku, quantity) in [("MUG-350", Int32(2)), ("MUG-500", 1)] {
                var line = Souk_Catalog_V1_SetCartLineRequest()
                line.sku = sku
                line.quantity = quantity
                _ = try await harness.catalog.setCartLine(line, metadata: ann)
            }
            let cart = try await harness.catalog.getCart(.init(), metadata: ann)
            #expect(cart.lines.map(\.sku) == ["MUG-350", "MUG-500"])
            #expect(cart.lines.map(\.package) == [Self.size(450, 120, 90, 100), Self.size(0, 0, 0, 0)])
            // What the delivery domain will do with GetCart alone: weigh the parcel.
            #expect(cart.lines.reduce(0) { $0 + $1.package.weightGrams * $1.quantity } == 900)
        }
    }

    @Test(
        "a size out of bounds on create is INVALID_ARGUMENT naming the SKU and field; the bounds themselves pass",
        arguments: [
            (Self.size(-1, 0, 0, 0), "skus[1].package.weight_grams"),
            (Self.size(1_000_001, 0, 0, 0), "skus[1].package.weight_grams"),
            (Self.size(0, -1, 0, 0), "skus[1].package.length_mm"),
            (Self.size(0, 10_001, 0, 0), "skus[1].package.length_mm"),
            (Self.size(0, 0, 10_001, 0), "skus[1].package.width_mm"),
            (Self.size(0, 0, 0, Int32.max), "skus[1].package.height_mm"),
            (Self.size(1_000_000, 10_000, 10_000, 10_000), ""),
        ]
    )
    func createBounds(size: Souk_Catalog_V1_PackageSize, field: String) async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            var request = Self.sizedMug(category: try await SearchFilterTests.kitchen(harness, admin: admin))
            request.skus[1].package = size
            guard !field.isEmpty else {
                let created = try await harness.catalog.createProduct(request, metadata: admin)
                #expect(created.skus[1].package == size)
                return
            }
            let error = await rpcError { _ = try await harness.catalog.createProduct(request, metadata: admin) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.hasPrefix(field + ":") == true, "\(String(describing: error))")
            #expect(await !ProductImportTests.skuExists(harness, admin: admin, "MUG-350"), "nothing written")
        }
    }

    @Test("UpdateProduct sets sizes with the other changes in one transaction; a bad entry changes nothing")
    func update() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let (original, _) = try await ProductEditingTests.setUp(harness, admin: admin)
            #expect(original.skus[0].package == Self.size(0, 0, 0, 0))
            func entry(_ sku: String, _ size: Souk_Catalog_V1_PackageSize) -> Souk_Catalog_V1_SkuPackage {
                var entry = Souk_Catalog_V1_SkuPackage()
                entry.sku = sku
                entry.package = size
                return entry
            }
            var request = Souk_Catalog_V1_UpdateProductRequest()
            request.productID = original.id
            request.title = "Sized mug"
            request.skuPackages = [entry("MUG-350", Self.size(460, 125, 95, 105))]
            let updated = try await harness.catalog.updateProduct(request, metadata: admin)
            #expect(updated.title == "Sized mug")
            #expect(updated.skus[0].package == Self.size(460, 125, 95, 105))
            var expected = try await ProductEditingTests.read(harness, admin: admin, id: original.id)
            #expect(expected == updated)

            // Replaced whole: a field left out is 0 again.
            request.skuPackages = [entry("MUG-350", Self.size(470, 0, 0, 0))]
            request.clearTitle()
            expected = try await harness.catalog.updateProduct(request, metadata: admin)
            #expect(expected.skus[0].package == Self.size(470, 0, 0, 0))

            let cases: [([Souk_Catalog_V1_SkuPackage], RPCError.Code, String)] = [
                ([entry("NO-SUCH", Self.size(1, 1, 1, 1))], .notFound, "sku_packages[0].sku"),
                (
                    [entry("MUG-350", Self.size(1, 1, 1, 1)), entry("CUP-1", Self.size(1, 1, 1, 1))], .notFound,
                    "sku_packages[1].sku"
                ),
                ([entry("MUG-350", Self.size(0, 0, 0, 10_001))], .invalidArgument, "sku_packages[0].package.height_mm"),
                ([entry("MUG-350", Self.size(-5, 0, 0, 0))], .invalidArgument, "sku_packages[0].package.weight_grams"),
                (
                    [entry("MUG-350", Self.size(1, 1, 1, 1)), entry("MUG-350", Self.size(2, 2, 2, 2))],
                    .invalidArgument, "sku_packages[1].sku"
                ),
                ([entry("bad code", Self.size(1, 1, 1, 1))], .invalidArgument, "sku_packages[0].sku"),
            ]
            for (packages, code, field) in cases {
                var bad = Souk_Catalog_V1_UpdateProductRequest()
                bad.productID = original.id
                bad.title = "Changed"
                bad.skuPackages = packages
                let error = await rpcError { _ = try await harness.catalog.updateProduct(bad, metadata: admin) }
                #expect(error?.code == code, "\(field)")
                #expect(error?.message.hasPrefix(field + ":") == true, "\(String(describing: error))")
                #expect(
                    try await ProductEditingTests.read(harness, admin: admin, id: original.id) == expected,
                    "\(field)"
                )
            }
        }
    }

    @Test("imports take the four optional columns (CSV) or fields (JSON lines); a bad one is reported by its name")
    func imports() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            _ = try await SearchFilterTests.kitchen(harness, admin: admin)
            let csv = [
                "category,title,sku,price,currency,weight_grams,length_mm,width_mm,height_mm",
                "kitchen,Sized,PKG-1,10.00,RUB,450,120,90,100",
                "kitchen,Unsaid,PKG-2,10.00,RUB,,,,",
                "kitchen,Heavy,PKG-3,10.00,RUB,1000001,,,",
                "kitchen,Long,PKG-4,10.00,RUB,1,10001,1,1",
                "kitchen,Decimal,PKG-5,10.00,RUB,1.5,1,1,1",
                "kitchen,Negative,PKG-6,10.00,RUB,1,1,-1,1",
                "kitchen,Widest,PKG-7,10.00,RUB,1000000,10000,10000,10000",
            ].joined(separator: "\n")
            let response = try await ProductImportTests.upload(
                harness,
                metadata: admin,
                format: .csv,
                file: Array(csv.utf8)
            )
            #expect(response.imported == 3)
            #expect(
                response.errors.map { "\($0.line) \($0.field)" } == [
                    "4 weight_grams", "5 length_mm", "6 weight_grams", "7 width_mm",
                ]
            )
            #expect(response.errors.first?.message.contains("0 to 1000000") == true)

            let jsonLines = [
                #"{"category":"kitchen","title":"Json sized","sku":"PKG-8","price":"5.00","currency":"RUB","weight_grams":300,"length_mm":"200","width_mm":100,"height_mm":50}"#,
                #"{"category":"kitchen","title":"Json bad","sku":"PKG-9","price":"5.00","currency":"RUB","height_mm":true}"#,
            ].joined(separator: "\n")
            let json = try await ProductImportTests.upload(
                harness,
                metadata: admin,
                format: .jsonLines,
                file: Array(jsonLines.utf8)
            )
            #expect(json.imported == 1)
            #expect(json.errors.map { "\($0.line) \($0.field)" } == ["2 height_mm"])

            let products = try await ProductImportTests.catalog(harness)
            #expect(Set(products.keys) == ["PKG-1", "PKG-2", "PKG-7", "PKG-8"])
            #expect(products["PKG-1"]?.skus[0].package == Self.size(450, 120, 90, 100))
            #expect(products["PKG-2"]?.skus[0].package == Self.size(0, 0, 0, 0))
            #expect(products["PKG-7"]?.skus[0].package == Self.size(1_000_000, 10_000, 10_000, 10_000))
            #expect(products["PKG-8"]?.skus[0].package == Self.size(300, 200, 100, 50))
        }
    }
}

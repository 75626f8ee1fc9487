import ArgumentParser
import SoukAPI
import SoukCtlKit

extension Products {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a draft product with one SKU (staff, admins).",
            discussion: "The price is a decimal in major units (1499.00), stored exactly in minor units."
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: "The category's slug or id.") var category: String
        @Option(help: "The title.") var title: String
        @Option(help: "The SKU code.") var sku: String
        @Option(help: "The price, e.g. 1499.00.") var price: String
        @Option(help: "The price's currency (ISO 4217), e.g. RUB.") var currency: String
        @Option(help: "The description.") var description: String?
        @Option(help: "An image URL; repeat for several.") var imageUrl: [String] = []
        @Option(help: "A SKU attribute as KEY=VALUE (size, colour); repeat for several.") var attribute: [String] = []
        @Option(help: "One unit as packed: WEIGHTg,LxWxHmm, e.g. 450g,120x90x100mm (either part alone too).")
        var package: String?

        func validate() throws {
            try validating {
                _ = try MoneyText.parse(self.price, currency: self.currency, flag: "--price")
                _ = try Products.attributes(self.attribute)
                if let package { _ = try PackageSizeText.parse(package, flag: "--package") }
            }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var sku = Souk_Catalog_V1_Sku()
                sku.code = self.sku
                sku.prices = [try MoneyText.parse(self.price, currency: self.currency, flag: "--price")]
                sku.attributes = try Products.attributes(self.attribute)
                if let package { sku.package = try PackageSizeText.parse(package, flag: "--package") }
                var request = Souk_Catalog_V1_CreateProductRequest()
                request.categoryID = try await Categories.id(self.category, flag: "--category", session: session)
                request.title = self.title
                request.description_p = self.description ?? ""
                request.imageUrls = self.imageUrl
                request.skus = [sku]
                let product = try await session.authenticated { api in
                    try await api.catalog.createProduct(request, options: api.options)
                }
                try Products.printList([product], global: self.global)
            }
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a product's fields; only the ones given change, in one transaction."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The product id.") var id: String
        @Option(help: "A new title.") var title: String?
        @Option(help: "A new description.") var description: String?
        @Option(help: "Move it to this category (slug or id).") var category: String?
        @Option(help: "Replace a SKU's prices: SKU=1499.00:RUB; repeat (the first per SKU is its base price).")
        var price: [String] = []
        @Option(help: "Replace the image URLs; repeat for several.") var imageUrl: [String] = []
        @Option(help: "Replace a SKU's package size: SKU=450g,120x90x100mm; repeat for several SKUs.")
        var package: [String] = []
        @Flag(help: "Back to draft: hidden from customers.") var unpublish = false

        func validate() throws {
            try validating {
                for price in self.price { _ = try MoneyText.parseSkuPrice(price) }
                for package in self.package { _ = try PackageSizeText.parseSkuPackage(package) }
            }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_UpdateProductRequest()
                request.productID = self.id
                if let title { request.title = title }
                if let description { request.description_p = description }
                if let category {
                    request.categoryID = try await Categories.id(category, flag: "--category", session: session)
                }
                if !self.imageUrl.isEmpty { request.imageUrls.urls = self.imageUrl }
                request.unpublish = self.unpublish
                var order: [String] = []
                var prices: [String: [Souk_Catalog_V1_Money]] = [:]
                for text in self.price {
                    let (sku, money) = try MoneyText.parseSkuPrice(text)
                    if prices[sku] == nil { order.append(sku) }
                    prices[sku, default: []].append(money)
                }
                request.skuPrices = order.map { sku in
                    var entry = Souk_Catalog_V1_SkuPrices()
                    entry.sku = sku
                    entry.prices = prices[sku] ?? []
                    return entry
                }
                request.skuPackages = try self.package.map(PackageSizeText.parseSkuPackage)
                let product = try await session.authenticated { api in
                    try await api.catalog.updateProduct(request, options: api.options)
                }
                try Products.printOne(product, global: self.global)
            }
        }
    }

    /// `KEY=VALUE` pairs as a map.
    static func attributes(_ pairs: [String]) throws -> [String: String] {
        var map: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw CtlError(.usage, "--attribute: '\(pair.prefix(80))' is not KEY=VALUE")
            }
            map[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return map
    }
}

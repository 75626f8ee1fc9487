import ArgumentParser
import SoukAPI
import SoukCtlKit

/// `soukctl products list|show|create|edit|publish|import`: the catalog's products.
struct Products: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search, show, create, edit, publish and import products.",
        subcommands: [List.self, Show.self, Create.self, Edit.self, Publish.self, Import.self]
    )

    /// The price a product row shows: the first SKU's price in the asked currency, else its base price.
    static func price(_ product: Souk_Catalog_V1_Product) -> String {
        guard let sku = product.skus.first else { return "" }
        if sku.hasDisplayPrice { return MoneyText.format(sku.displayPrice) }
        return sku.prices.first.map(MoneyText.format) ?? ""
    }

    static func state(_ state: Souk_Catalog_V1_ProductState) -> String {
        switch state {
        case .draft: "draft"
        case .published: "published"
        default: "unknown"
        }
    }

    static func printList(_ products: [Souk_Catalog_V1_Product], global: GlobalOptions) throws {
        if global.isJSON { return try Printer.json(products) }
        Printer.table(
            ["ID", "TITLE", "STATE", "SKUS", "PRICE"],
            products.map { product in
                [
                    product.id, product.title, Self.state(product.state),
                    product.skus.map(\.code).joined(separator: ","), Self.price(product),
                ]
            }
        )
    }

    static func printOne(_ product: Souk_Catalog_V1_Product, global: GlobalOptions) throws {
        if global.isJSON { return try Printer.json(product) }
        var fields = [
            ("id", product.id), ("title", product.title), ("state", Self.state(product.state)),
            ("category", product.categoryID),
        ]
        if !product.description_p.isEmpty { fields.append(("description", product.description_p)) }
        if !product.imageUrls.isEmpty { fields.append(("images", product.imageUrls.joined(separator: " "))) }
        for (key, value) in product.attributes.sorted(by: { $0.key < $1.key }) {
            fields.append(("attribute \(key)", value))
        }
        Printer.fields(fields)
        Printer.line("")
        Printer.table(
            ["SKU", "PRICES", "SHOWN AS", "PACKAGE", "ATTRIBUTES"],
            product.skus.map { sku in
                [
                    sku.code, sku.prices.map(MoneyText.format).joined(separator: ", "),
                    sku.hasDisplayPrice ? MoneyText.format(sku.displayPrice) : "", PackageSizeText.format(sku.package),
                    sku.attributes.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }.joined(
                        separator: " "
                    ),
                ]
            }
        )
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Search the published products (with --drafts, staff see drafts too), newest first without a query."
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: "Words in Russian or English.") var query: String?
        @Option(help: "Only this category (slug or id) and its subcategories.") var category: String?
        @Option(help: "Show prices in this currency (ISO 4217).") var currency: String?
        @Option(help: "At most this many products (1-1000).") var limit: Int = 50
        @Flag(help: "Drafts too (staff who edit the catalog).") var drafts = false

        func validate() throws {
            guard (1...1000).contains(self.limit) else { throw ValidationError("--limit: 1 to 1000") }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_SearchProductsRequest()
                request.query = self.query ?? ""
                if let category = self.category {
                    request.categoryID = try await Categories.id(category, flag: "--category", session: session)
                }
                request.currency = self.currency?.uppercased() ?? ""
                request.pageSize = Int32(min(self.limit, 100))
                request.includeDrafts = self.drafts
                let limit = self.limit
                // Signed in when there is a login (drafts need one); anyone else sees the published catalog.
                let search: (API) async throws -> [Souk_Catalog_V1_Product] = { api in
                    var products: [Souk_Catalog_V1_Product] = []
                    var page = request
                    repeat {
                        let response = try await api.catalog.searchProducts(page, options: api.options)
                        products += response.products
                        page.pageToken = response.nextPageToken
                    } while !page.pageToken.isEmpty && products.count < limit
                    return Array(products.prefix(limit))
                }
                let products =
                    try session.isLoggedIn
                    ? try await session.authenticated(search) : try await session.anonymous(search)
                try Products.printList(products, global: self.global)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One product with its SKUs and prices.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The product id.") var id: String
        @Option(help: "Show prices in this currency too (ISO 4217).") var currency: String?

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_GetProductRequest()
                request.productID = self.id
                request.currency = self.currency?.uppercased() ?? ""
                let get: (API) async throws -> Souk_Catalog_V1_Product = { api in
                    try await api.catalog.getProduct(request, options: api.options)
                }
                let product =
                    try session.isLoggedIn ? try await session.authenticated(get) : try await session.anonymous(get)
                try Products.printOne(product, global: self.global)
            }
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a draft: customers see it.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The product id.") var id: String

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_PublishProductRequest()
                request.productID = self.id
                let product = try await session.authenticated { api in
                    try await api.catalog.publishProduct(request, options: api.options)
                }
                try Products.printList([product], global: self.global)
            }
        }
    }
}

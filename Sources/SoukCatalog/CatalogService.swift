import Foundation
package import GRPCCore
package import Logging
package import PostgresNIO
package import SoukAPI
import SoukAccess
package import SoukDomain
import SoukMoney

/// `souk.catalog.v1.CatalogService`: categories, products with SKUs and prices per currency, publishing and
/// search. Prices are integer minor units; a price shown in another currency is converted at a stored rate.
package struct CatalogService: Souk_Catalog_V1_CatalogService.SimpleServiceProtocol {
    /// The service's name in health checks.
    package static let serviceName = "souk.catalog.v1.CatalogService"

    let store: any CatalogStore
    /// Where a cart that names no currency gets the person's preferred one.
    let preferredCurrency: PreferredCurrency

    /// A service on `postgres` whose reservation holds are set and checked by `wallClock`.
    ///
    /// - Parameter identity: the identity service's client, for the customer's preferred currency.
    package init(
        postgres: PostgresClient,
        logger: Logger,
        wallClock: WallClock = .system,
        identity: (any Souk_Identity_V1_IdentityService.ClientProtocol)? = nil
    ) {
        self.init(
            store: PostgresCatalogStore(client: postgres, logger: logger, wallClock: wallClock),
            identity: identity
        )
    }

    /// A service on `store`.
    init(store: any CatalogStore, identity: (any Souk_Identity_V1_IdentityService.ClientProtocol)? = nil) {
        self.store = store
        self.preferredCurrency = PreferredCurrency(identity: identity)
    }

    /// Imports the shipped rate snapshot when the catalog has no rates yet (the embedded default).
    package func prepare() async throws {
        guard try await self.store.rates().isEmpty else { return }
        let ecb = try RateFeeds.parseECB(Data(RateSnapshot.ecb.utf8))
        let cbr = try RateFeeds.parseCBR(RateSnapshot.cbr.data(using: .windowsCP1251) ?? Data())
        try await self.store.insert(ecb + cbr)
    }

    // MARK: Categories

    package func listCategories(
        request: Souk_Catalog_V1_ListCategoriesRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_ListCategoriesResponse {
        var response = Souk_Catalog_V1_ListCategoriesResponse()
        response.categories = try await self.store.categories().map { id, parent, name, slug in
            var category = Souk_Catalog_V1_Category()
            category.id = id.uuidString.lowercased()
            category.parentID = parent?.uuidString.lowercased() ?? ""
            category.name = name
            category.slug = slug
            return category
        }
        return response
    }

    package func createCategory(
        request: Souk_Catalog_V1_CreateCategoryRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Category {
        let name = request.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw CatalogError.invalidArgument("name: 1-100 characters") }
        guard request.slug.range(of: #"^[a-z0-9][a-z0-9-]{0,62}$"#, options: .regularExpression) != nil else {
            throw CatalogError.invalidArgument("slug: lower-case letters, digits and '-', at most 63")
        }
        let parent = request.parentID.isEmpty ? nil : try Self.id(request.parentID, field: "parent_id")
        let id = UUID()
        try await self.store.insertCategory(id: id, parent: parent, name: name, slug: request.slug)
        var category = Souk_Catalog_V1_Category()
        category.id = id.uuidString.lowercased()
        category.parentID = parent?.uuidString.lowercased() ?? ""
        category.name = name
        category.slug = request.slug
        return category
    }

    // MARK: Products

    package func createProduct(
        request: Souk_Catalog_V1_CreateProductRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Product {
        let record = try ProductValidation.record(from: request)
        guard try await self.store.categoryExists(record.categoryID) else {
            throw CatalogError.notFound("category_id: no category \(request.categoryID)")
        }
        try await self.store.insert(record)
        return try self.message(for: record, currency: nil, rates: RateBook())
    }

    package func publishProduct(
        request: Souk_Catalog_V1_PublishProductRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Product {
        let id = try await self.productID(request.productID)
        guard try await self.store.publish(id), let record = try await self.store.product(id) else {
            throw CatalogError.notFound("product_id: no product \(request.productID)")
        }
        return try self.message(for: record, currency: nil, rates: RateBook())
    }

    package func getProduct(
        request: Souk_Catalog_V1_GetProductRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Product {
        let id = try await self.productID(request.productID)
        let currency = try Self.currency(request.currency)
        // Drafts are visible to those who edit the catalog; to anyone else they do not exist.
        guard let record = try await self.store.product(id),
            record.published || Caller.current?.has(.editCatalog) == true
        else { throw CatalogError.notFound("product_id: no product \(request.productID)") }
        return try self.message(for: record, currency: currency, rates: try await self.store.rateBook())
    }

    package func searchProducts(
        request: Souk_Catalog_V1_SearchProductsRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_SearchProductsResponse {
        let search = try ProductValidation.search(from: request)
        let rates = try await self.store.rateBook()
        let page = try await self.store.search(search, rates: rates, limit: search.pageSize + 1)
        var response = Souk_Catalog_V1_SearchProductsResponse()
        response.products = try page.prefix(search.pageSize).map { record, _ in
            var product = try self.message(for: record, currency: nil, rates: rates)
            // A listing shows what it can: a SKU no stored rate converts has no display price here, where
            // GetProduct refuses with FAILED_PRECONDITION.
            if let currency = search.currency {
                for (index, sku) in record.skus.enumerated() {
                    guard let price = try? Self.price(of: sku, in: currency, rates: rates) else { continue }
                    product.skus[index].displayPrice = Self.money(price)
                }
            }
            return product
        }
        if page.count > search.pageSize, let last = page.prefix(search.pageSize).last {
            response.nextPageToken = search.token(key: last.key, id: last.record.id)
        }
        return response
    }

    // MARK: Helpers

    func message(for record: ProductRecord, currency: Currency?, rates: RateBook) throws -> Souk_Catalog_V1_Product {
        var product = Souk_Catalog_V1_Product()
        product.id = record.id.uuidString.lowercased()
        product.categoryID = record.categoryID.uuidString.lowercased()
        product.title = record.title
        product.description_p = record.description
        product.imageUrls = record.imageURLs
        product.attributes = record.attributes
        product.state = record.published ? .published : .draft
        product.skus = try record.skus.map { sku in
            var message = Souk_Catalog_V1_Sku()
            message.code = sku.code
            message.attributes = sku.attributes
            message.prices = sku.prices.map(Self.money)
            message.package = sku.packageSize.message
            message.inStock = sku.isInStock
            if let currency, let price = try Self.price(of: sku, in: currency, rates: rates) {
                message.displayPrice = Self.money(price)
            }
            return message
        }
        return product
    }

    /// The price of one unit of `sku` in `currency`: the merchant's, or the base price converted at a stored rate
    /// (half to even). Nil for a SKU without prices; FAILED_PRECONDITION when no rate converts it.
    static func price(of sku: ProductRecord.SkuRecord, in currency: Currency, rates: RateBook) throws -> Money? {
        try Self.pricing(of: sku, in: currency, rates: rates)?.price
    }

    /// ``price(of:in:rates:)`` and the stored rate it was converted with (nil for the merchant's own price), which
    /// an order records.
    static func pricing(
        of sku: ProductRecord.SkuRecord,
        in currency: Currency,
        rates: RateBook
    ) throws -> (price: Money, rate: ExchangeRate?)? {
        guard let base = sku.prices.first else { return nil }
        if let set = sku.prices.first(where: { $0.currency == currency }) { return (set, nil) }
        do {
            let (price, rate) = try rates.convert(base, to: currency)
            return (price, rate)
        } catch let error as MoneyError {
            throw CatalogError.failedPrecondition("currency: \(error)")
        }
    }

    static func money(_ money: Money) -> Souk_Catalog_V1_Money {
        var message = Souk_Catalog_V1_Money()
        message.minorUnits = money.minorUnits
        message.currency = money.currency.code
        return message
    }

    /// The id of the one product `text` names: its id, or the start of its id as a table cuts it (see
    /// ``IDPrefix``), among the products the caller may see (drafts only for those who edit the catalog).
    /// - Throws: ``CatalogError`` naming `product_id`: invalid argument when malformed or ambiguous, not found.
    func productID(_ text: String) async throws -> UUID {
        if let id = UUID(uuidString: text.trimmingCharacters(in: .whitespaces)) { return id }
        guard let prefix = IDPrefix.parse(text) else {
            throw CatalogError.invalidArgument(
                "product_id: '\(text.prefix(40))' is not a product id or the start of one (at least \(IDPrefix.shortest) characters)"
            )
        }
        let ids = try await self.store.productIDs(
            prefix: prefix,
            includeDrafts: Caller.current?.has(.editCatalog) == true
        )
        guard let id = ids.first else { throw CatalogError.notFound("product_id: no product \(text.prefix(40))") }
        guard ids.count == 1 else {
            throw CatalogError.invalidArgument(
                "product_id: '\(text.prefix(40))' is the start of more than one product's id; give more of it"
            )
        }
        return id
    }

    static func id(_ text: String, field: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw CatalogError.invalidArgument("\(field): '\(text.prefix(40))' is not an id")
        }
        return id
    }

    static func currency(_ code: String) throws -> Currency? {
        guard !code.isEmpty else { return nil }
        do {
            return try Currency.named(code)
        } catch {
            throw CatalogError.invalidArgument("currency: \(error)")
        }
    }
}

import Foundation
import GRPCCore
import SoukAPI
import SoukRecommendations
import TestSupport
import Testing

/// A shop with products to recommend, on a host running every domain with the real access policy: five published
/// products in stock (`MUG`, `CUP`, `TEA`, `JAM`, `PAN`, each priced in RUB and USD), one published and out of
/// stock (`BOX`) and one draft (`PEN`); the admin, two customers and the worker's service account.
struct RecommendationShop {
    let harness: IdentityHarness
    let admin: Metadata
    let worker: Metadata
    let ann: Metadata
    let annID: String
    let bob: Metadata
    let bobID: String
    /// Product ids by SKU code.
    let products: [String: String]
    let recommendations: any Souk_Recommendations_V1_RecommendationService.ClientProtocol

    /// Prices in minor units, RUB and USD, by SKU code.
    static let prices: [String: (rub: Int64, usd: Int64)] = [
        "MUG": (129_000, 1499), "CUP": (59_000, 699), "TEA": (35_000, 399), "JAM": (45_000, 549),
        "PAN": (249_000, 2999), "BOX": (19_000, 199), "PEN": (9_000, 99),
    ]

    static func with(_ body: @Sendable (RecommendationShop) async throws -> Void) async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            var products: [String: String] = [:]
            let category = try await Self.category(harness.catalog, admin: admin)
            for code in ["MUG", "CUP", "TEA", "JAM", "PAN", "BOX", "PEN"] {
                products[code] = try await Self.product(
                    code,
                    category: category,
                    publish: code != "PEN",
                    stock: code == "BOX" ? 0 : 5,
                    catalog: harness.catalog,
                    admin: admin
                )
            }
            let ann = IdentityHarness.bearer(try await harness.customer(email: "ann@souk.example").accessToken)
            let bob = IdentityHarness.bearer(try await harness.customer(email: "bob@souk.example").accessToken)
            try await body(
                RecommendationShop(
                    harness: harness,
                    admin: admin,
                    worker: try await Self.worker(harness, admin: admin),
                    ann: ann,
                    annID: try await harness.identity.getMyAccount(.init(), metadata: ann).account.id,
                    bob: bob,
                    bobID: try await harness.identity.getMyAccount(.init(), metadata: bob).account.id,
                    products: products,
                    recommendations: harness.client(RecommendationsClient())
                )
            )
        }
    }

    static func category(
        _ catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol,
        admin: Metadata
    ) async throws -> String {
        var kitchen = Souk_Catalog_V1_CreateCategoryRequest()
        kitchen.name = "Kitchen"
        kitchen.slug = "kitchen"
        return try await catalog.createCategory(kitchen, metadata: admin).id
    }

    static func product(
        _ code: String,
        category: String,
        publish: Bool,
        stock: Int32,
        catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol,
        admin: Metadata
    ) async throws -> String {
        var request = Souk_Catalog_V1_CreateProductRequest()
        request.categoryID = category
        request.title = "Product \(code)"
        var sku = Souk_Catalog_V1_Sku()
        sku.code = code
        let price = try #require(Self.prices[code])
        for (minor, currency) in [(price.rub, "RUB"), (price.usd, "USD")] {
            var money = Souk_Catalog_V1_Money()
            money.minorUnits = minor
            money.currency = currency
            sku.prices.append(money)
        }
        request.skus = [sku]
        let created = try await catalog.createProduct(request, metadata: admin)
        if publish {
            var publish = Souk_Catalog_V1_PublishProductRequest()
            publish.productID = created.id
            _ = try await catalog.publishProduct(publish, metadata: admin)
        }
        if stock > 0 {
            var level = Souk_Catalog_V1_SetStockRequest()
            level.sku = code
            level.warehouse = "MSK-1"
            level.onHand = stock
            _ = try await catalog.setStock(level, metadata: admin)
        }
        return created.id
    }

    /// A service account with only `recommendations.publish`, signed in by the client-credentials grant.
    static func worker(_ harness: IdentityHarness, admin: Metadata) async throws -> Metadata {
        var create = Souk_Identity_V1_CreateServiceAccountRequest()
        create.name = "recs-worker"
        create.scopes = ["recommendations.publish"]
        let created = try await harness.identity.createServiceAccount(create, metadata: admin)
        var grant = Souk_Identity_V1_ClientCredentialsRequest()
        grant.clientID = created.clientID
        grant.clientSecret = created.clientSecret
        return IdentityHarness.bearer(try await harness.identity.clientCredentials(grant).accessToken)
    }

    /// The ids of `codes`, in order.
    func ids(_ codes: [String]) -> [String] {
        codes.map { self.products[$0] ?? "unknown-\($0)" }
    }

    /// The SKU codes of `products`, in order.
    func codes(_ response: Souk_Recommendations_V1_RecommendationsResponse) -> [String] {
        let byID = Dictionary(uniqueKeysWithValues: self.products.map { ($0.value, $0.key) })
        return response.products.map { byID[$0.productID] ?? "?\($0.productID)" }
    }

    /// Publishes `customers` (customer id → SKU codes, best first), `neighbours` (SKU code → SKU codes) and
    /// `popular`, with descending scores, as the worker.
    @discardableResult
    func publish(
        customers: [String: [String]] = [:],
        neighbours: [String: [String]] = [:],
        popular: [String] = [],
        as metadata: Metadata? = nil
    ) async throws -> Souk_Recommendations_V1_PublishListsResponse {
        func scored(_ codes: [String]) -> [Souk_Recommendations_V1_ScoredProduct] {
            self.ids(codes).enumerated().map { rank, id in
                var product = Souk_Recommendations_V1_ScoredProduct()
                product.productID = id
                product.score = Double(100 - rank)
                return product
            }
        }
        var messages: [Souk_Recommendations_V1_PublishListsRequest] = []
        if !popular.isEmpty {
            var list = Souk_Recommendations_V1_PopularList()
            list.products = scored(popular)
            messages.append(Self.message { $0.popular = list })
        }
        for (customer, codes) in customers.sorted(by: { $0.key < $1.key }) {
            var list = Souk_Recommendations_V1_CustomerList()
            list.customerID = customer
            list.products = scored(codes)
            messages.append(Self.message { $0.customer = list })
        }
        for (code, codes) in neighbours.sorted(by: { $0.key < $1.key }) {
            var list = Souk_Recommendations_V1_ProductList()
            list.productID = self.products[code] ?? code
            list.neighbours = scored(codes)
            messages.append(Self.message { $0.product = list })
        }
        return try await self.publish(messages, as: metadata ?? self.worker)
    }

    func publish(
        _ messages: [Souk_Recommendations_V1_PublishListsRequest],
        as metadata: Metadata
    ) async throws -> Souk_Recommendations_V1_PublishListsResponse {
        try await self.recommendations.publishLists(
            metadata: metadata,
            requestProducer: { writer in
                for message in messages { try await writer.write(message) }
            }
        )
    }

    func forCustomer(
        _ caller: Metadata,
        customer: String = "",
        limit: Int32 = 0,
        currency: String = "RUB"
    ) async throws -> Souk_Recommendations_V1_RecommendationsResponse {
        var request = Souk_Recommendations_V1_ForCustomerRequest()
        request.customerID = customer
        request.limit = limit
        request.currency = currency
        return try await self.recommendations.forCustomer(request, metadata: caller)
    }

    func forProduct(
        _ product: String,
        caller: Metadata = [:],
        limit: Int32 = 0,
        currency: String = "RUB"
    ) async throws -> Souk_Recommendations_V1_RecommendationsResponse {
        var request = Souk_Recommendations_V1_ForProductRequest()
        request.productID = product
        request.limit = limit
        request.currency = currency
        return try await self.recommendations.forProduct(request, metadata: caller)
    }

    /// A message of a publication, as `populate` fills it.
    static func message(
        _ populate: (inout Souk_Recommendations_V1_PublishListsRequest) -> Void
    ) -> Souk_Recommendations_V1_PublishListsRequest {
        var message = Souk_Recommendations_V1_PublishListsRequest()
        populate(&message)
        return message
    }

    /// A product of a list, with its score.
    static func scored(_ id: String, _ score: Double = 1) -> Souk_Recommendations_V1_ScoredProduct {
        var product = Souk_Recommendations_V1_ScoredProduct()
        product.productID = id
        product.score = score
        return product
    }

    /// Takes `code` off sale: unpublished.
    func unpublish(_ code: String) async throws {
        var request = Souk_Catalog_V1_UpdateProductRequest()
        request.productID = try #require(self.products[code])
        request.unpublish = true
        _ = try await self.harness.catalog.updateProduct(request, metadata: self.admin)
    }
}

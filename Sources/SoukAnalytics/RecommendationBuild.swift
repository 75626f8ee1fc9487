package import Foundation
package import GRPCCore
package import Logging
package import SoukAPI
package import SoukRecommender

/// One build of the recommendation lists (`souk-worker recs build`): the analytics schema's order lines, their
/// SKUs mapped to the catalog's published products, the lists built, and one publication of them, all through the
/// public services' clients.
///
/// ```swift
/// let build = RecommendationBuild(catalog: services.catalogService, recommendations: services.recommendationService)
/// let summary = try await build.run(store: store, now: Date())
/// ```
package struct RecommendationBuild: Sendable {
    /// What a build did.
    package struct Summary: Sendable, Hashable {
        /// The version published.
        package var version: Int64 = 0
        /// Order lines read (cancelled and refunded orders' are not read).
        package var lines = 0
        /// Lines whose SKU no published product has (a product withdrawn since): left out.
        package var unmappedLines = 0
        /// Customer lists published.
        package var customers = 0
        /// Product neighbour lists published.
        package var products = 0

        /// The figures as log metadata.
        package var metadata: Logger.Metadata {
            [
                "version": "\(self.version)", "lines": "\(self.lines)", "unmapped_lines": "\(self.unmappedLines)",
                "customers": "\(self.customers)", "products": "\(self.products)",
            ]
        }

        /// The figures as one line for a terminal.
        package var line: String {
            "published version \(self.version): \(self.customers) customer lists, \(self.products) product lists "
                + "from \(self.lines) order lines (\(self.unmappedLines) of products no longer published left out)"
        }
    }

    /// The most products a SearchProducts page holds.
    static let pageSize: Int32 = 100

    let catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol
    let recommendations: any Souk_Recommendations_V1_RecommendationService.ClientProtocol
    let parameters: RecommendationLists.Parameters
    let metadata: Metadata

    /// A build reading products from `catalog` and publishing to `recommendations`.
    ///
    /// - Parameter metadata: sent with every call (a bearer token, for clients that do not sign calls themselves).
    package init(
        catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol,
        recommendations: any Souk_Recommendations_V1_RecommendationService.ClientProtocol,
        parameters: RecommendationLists.Parameters = RecommendationLists.Parameters(),
        metadata: Metadata = [:]
    ) {
        self.catalog = catalog
        self.recommendations = recommendations
        self.parameters = parameters
        self.metadata = metadata
    }

    /// Reads `store`'s order lines, builds the lists with time measured back from `now`, and publishes them.
    ///
    /// - Throws: what reading the schema or a call throws (an `RPCError` with the service's status).
    package func run(store: AnalyticsStore, now: Date) async throws -> Summary {
        let products = try await self.productsBySKU()
        var summary = Summary()
        var purchases: [Purchase] = []
        try await store.forEachPurchasedLine { line in
            summary.lines += 1
            guard let product = products[line.sku] else {
                summary.unmappedLines += 1
                return
            }
            purchases.append(
                Purchase(
                    customer: line.customer,
                    basket: line.order,
                    product: product,
                    quantity: line.quantity,
                    time: line.placedAt
                )
            )
        }
        let lists = RecommendationLists.build(
            from: purchases,
            now: Int64(now.timeIntervalSince1970),
            parameters: self.parameters
        )
        let response = try await self.recommendations.publishLists(
            metadata: self.metadata,
            requestProducer: { writer in
                for message in Self.messages(lists) { try await writer.write(message) }
            }
        )
        summary.version = response.version
        summary.customers = Int(response.customers)
        summary.products = Int(response.products)
        return summary
    }

    /// Every SKU of every published product, with its product's id, from the catalog's search pages.
    func productsBySKU() async throws -> [String: String] {
        var products: [String: String] = [:]
        var request = Souk_Catalog_V1_SearchProductsRequest()
        request.pageSize = Self.pageSize
        while true {
            let page = try await self.catalog.searchProducts(request, metadata: self.metadata)
            for product in page.products {
                for sku in product.skus { products[sku.code] = product.id }
            }
            guard !page.nextPageToken.isEmpty else { return products }
            request.pageToken = page.nextPageToken
        }
    }

    /// The publication's messages: the popular list, then every customer's and every product's, in id order.
    static func messages(_ lists: RecommendationLists) -> [Souk_Recommendations_V1_PublishListsRequest] {
        func scored(_ entries: [RecommendationLists.Entry]) -> [Souk_Recommendations_V1_ScoredProduct] {
            entries.map {
                var product = Souk_Recommendations_V1_ScoredProduct()
                product.productID = $0.product
                product.score = $0.score
                return product
            }
        }
        var messages: [Souk_Recommendations_V1_PublishListsRequest] = []
        var popular = Souk_Recommendations_V1_PopularList()
        popular.products = scored(lists.popular)
        var first = Souk_Recommendations_V1_PublishListsRequest()
        first.popular = popular
        messages.append(first)
        for (customer, entries) in lists.customers.sorted(by: { $0.key < $1.key }) {
            var list = Souk_Recommendations_V1_CustomerList()
            list.customerID = customer
            list.products = scored(entries)
            var message = Souk_Recommendations_V1_PublishListsRequest()
            message.customer = list
            messages.append(message)
        }
        for (product, entries) in lists.products.sorted(by: { $0.key < $1.key }) {
            var list = Souk_Recommendations_V1_ProductList()
            list.productID = product
            list.neighbours = scored(entries)
            var message = Souk_Recommendations_V1_PublishListsRequest()
            message.product = list
            messages.append(message)
        }
        return messages
    }
}

/// The lists the recommendation service serves, built from past orders: each customer's (Souk's blend of buy-again
/// and co-purchase discovery), each product's time-decayed co-purchase neighbours, and the most bought products for
/// customers without a list.
package struct RecommendationLists: Sendable {
    /// A product in a list, with its score (higher first; only the order is meaningful).
    package struct Entry: Sendable, Hashable {
        package var product: String
        package var score: Double

        package init(product: String, score: Double) {
            self.product = product
            self.score = score
        }
    }

    /// How the lists are built.
    package struct Parameters: Sendable, Hashable {
        /// The customer lists' model.
        package var blend = BlendedRecommender.Parameters()
        /// Products per customer list and in the popular list (the service filters, so keep more than it shows).
        package var listLength = 50
        /// Neighbours per product.
        package var neighbours = 20
        /// The age in days at which a basket counts half in the product neighbours.
        package var halfLifeDays = 90.0

        package init() {}
    }

    /// Customers' lists, by customer id, best first.
    package var customers: [String: [Entry]] = [:]
    /// Products' neighbours, by product id, most similar first; products without one are left out.
    package var products: [String: [Entry]] = [:]
    /// The most bought products (by baskets holding them), most first.
    package var popular: [Entry] = []

    package init() {}

    /// Builds every list from `purchases`, with time measured back from `now` (seconds since 1970).
    ///
    /// A customer list's score is its rank turned around (`listLength - rank`): the blend ranks, it does not
    /// calibrate.
    package static func build(
        from purchases: [Purchase],
        now: Int64,
        parameters: Parameters = Parameters()
    ) -> RecommendationLists {
        let data = BasketData(purchases: purchases)
        var lists = RecommendationLists()
        guard !data.baskets.isEmpty else { return lists }
        let statistics = PurchaseStatistics(training: data.baskets, productCount: data.products.count)
        lists.popular = statistics.byPopularity.prefix(parameters.listLength).map {
            Entry(product: data.products[$0], score: Double(statistics.basketCounts[$0]))
        }
        let model = BlendedRecommender(statistics: statistics, parameters: parameters.blend)
        var start = 0
        while start < data.baskets.count {
            let customer = data.baskets[start].customer
            var end = start
            while end < data.baskets.count, data.baskets[end].customer == customer { end += 1 }
            let history = CustomerHistory(baskets: Array(data.baskets[start..<end]))
            let ranked = model.recommend(for: history, count: parameters.listLength, excluding: [])
            lists.customers[data.customers[customer]] = ranked.enumerated().map { rank, product in
                Entry(product: data.products[product], score: Double(parameters.listLength - rank))
            }
            start = end
        }
        let neighbours = DecayedNeighbours.compute(
            data,
            now: now,
            halfLifeDays: parameters.halfLifeDays,
            count: parameters.neighbours
        )
        for (product, list) in neighbours.enumerated() where !list.isEmpty {
            lists.products[data.products[product]] = list.map {
                Entry(product: data.products[$0.product], score: $0.similarity)
            }
        }
        return lists
    }
}

/// A customer's past as the models see it: their baskets, oldest first.
package struct CustomerHistory: Sendable {
    package var baskets: [Basket]

    package init(baskets: [Basket]) {
        self.baskets = baskets
    }

    /// Every product the customer bought.
    package var products: Set<Int> { Set(self.baskets.flatMap(\.items.keys)) }
}

/// A model that ranks products for one customer.
package protocol BasketRecommender: Sendable {
    /// The name reports use.
    var name: String { get }
    /// At most `count` products for the customer, best first, none of `excluded`.
    func recommend(for history: CustomerHistory, count: Int, excluding excluded: Set<Int>) -> [Int]
}

/// The most bought products (by training baskets), the same for everyone.
package struct PopularityRecommender: BasketRecommender {
    package let statistics: PurchaseStatistics
    package var name: String { "popularity" }

    package init(statistics: PurchaseStatistics) { self.statistics = statistics }

    package func recommend(for history: CustomerHistory, count: Int, excluding excluded: Set<Int>) -> [Int] {
        var ranked: [Int] = []
        for product in self.statistics.byPopularity where !excluded.contains(product) {
            ranked.append(product)
            if ranked.count == count { break }
        }
        return ranked
    }
}

/// The customer's own products, most often bought first (ties: the most recently bought). Nothing new, ever.
package struct BuyAgainRecommender: BasketRecommender {
    package var name: String { "buy-again" }

    package init() {}

    package func recommend(for history: CustomerHistory, count: Int, excluding excluded: Set<Int>) -> [Int] {
        var times: [Int: Int] = [:]
        var last: [Int: Int] = [:]
        for (position, basket) in history.baskets.enumerated() {
            for product in basket.items.keys where !excluded.contains(product) {
                times[product, default: 0] += 1
                last[product] = position
            }
        }
        let ranked = times.keys.sorted { left, right in
            if times[left]! != times[right]! { return times[left]! > times[right]! }
            if last[left]! != last[right]! { return last[left]! > last[right]! }
            return left < right
        }
        return Array(ranked.prefix(count))
    }
}

/// Plain item-to-item k-nearest neighbours: a product scores the sum of its cosine similarity to each product the
/// customer bought, every past product counting the same.
package struct ItemKNNRecommender: BasketRecommender {
    package let statistics: PurchaseStatistics
    package var name: String { "item-kNN" }

    package init(statistics: PurchaseStatistics) { self.statistics = statistics }

    package func recommend(for history: CustomerHistory, count: Int, excluding excluded: Set<Int>) -> [Int] {
        var scores: [Int: Double] = [:]
        for product in history.products {
            for neighbour in self.statistics.neighbours[product] where !excluded.contains(neighbour.product) {
                scores[neighbour.product, default: 0] += neighbour.similarity
            }
        }
        return Ranking.top(scores, count: count)
    }
}

enum Ranking {
    /// The `count` highest scores, ties by product index.
    static func top(_ scores: [Int: Double], count: Int) -> [Int] {
        scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(count).map(\.key)
    }
}

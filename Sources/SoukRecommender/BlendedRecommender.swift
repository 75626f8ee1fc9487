import Foundation

/// Souk's model: what the customer buys again, time-decayed, and what is new to them, scored apart and blended.
///
/// - **Repeat share** of a product the customer bought: the decayed fraction of their baskets that held it (the
///   latest basket weighs 1, the one before `decay`, then `decay²`, …), so a weekly staple outranks a product
///   bought once long ago.
/// - **Discovery score** of any product: its popularity, log(1 + baskets holding it) / log(1 + the most), times
///   (1 + `neighbourWeight` × its neighbour score), where the neighbour score sums, over the customer's products,
///   their repeat share times the cosine similarity, scaled so the best is 1. Popularity alone is a strong answer
///   for what someone will try next; co-purchase with their recent habits moves the products they are likelier to
///   try up among the popular ones. Scaled so the best candidate scores 1.
/// - The rank is repeat share + `discoveryWeight` × discovery score. With the customer's own products excluded
///   (the new-items question), it is the discovery score alone.
package struct BlendedRecommender: BasketRecommender {
    /// The blend's knobs; the defaults were chosen on a public data set (README).
    package struct Parameters: Sendable, Hashable {
        package var decay = 0.8
        package var neighbourWeight = 0.5
        package var discoveryWeight = 0.2
        /// Popular products considered besides the customer's own and their neighbours'.
        package var popularCandidates = 200

        package init() {}
    }

    package let statistics: PurchaseStatistics
    package let parameters: Parameters
    package var name: String { "souk" }

    package init(statistics: PurchaseStatistics, parameters: Parameters = Parameters()) {
        self.statistics = statistics
        self.parameters = parameters
    }

    package func recommend(for history: CustomerHistory, count: Int, excluding excluded: Set<Int>) -> [Int] {
        let parameters = self.parameters
        let repeatShare = self.repeatShares(of: history)
        var neighbourScore: [Int: Double] = [:]
        for (product, share) in repeatShare {
            for neighbour in self.statistics.neighbours[product] where !excluded.contains(neighbour.product) {
                neighbourScore[neighbour.product, default: 0] += share * neighbour.similarity
            }
        }
        let bestNeighbour = neighbourScore.values.max() ?? 0

        var candidates = Set(neighbourScore.keys)
        for (product, _) in repeatShare where !excluded.contains(product) { candidates.insert(product) }
        var popular = 0
        for product in self.statistics.byPopularity where !excluded.contains(product) {
            candidates.insert(product)
            popular += 1
            if popular == parameters.popularCandidates { break }
        }
        let mostBaskets = Double(self.statistics.byPopularity.first.map { self.statistics.basketCounts[$0] } ?? 0)
        var discovery: [Int: Double] = [:]
        for product in candidates {
            let popularity =
                mostBaskets > 0 ? log1p(Double(self.statistics.basketCounts[product])) / log1p(mostBaskets) : 0
            let neighbour = bestNeighbour > 0 ? (neighbourScore[product] ?? 0) / bestNeighbour : 0
            discovery[product] = popularity * (1 + parameters.neighbourWeight * neighbour)
        }
        let bestDiscovery = discovery.values.max() ?? 0
        var scores: [Int: Double] = [:]
        for (product, score) in discovery {
            scores[product] =
                (repeatShare[product] ?? 0) + parameters.discoveryWeight
                * (bestDiscovery > 0 ? score / bestDiscovery : 0)
        }
        return Ranking.top(scores, count: count)
    }

    /// Each of the customer's products: the decayed fraction of their baskets that held it.
    private func repeatShares(of history: CustomerHistory) -> [Int: Double] {
        var shares: [Int: Double] = [:]
        var totalWeight = 0.0
        var weight = 1.0
        for basket in history.baskets.reversed() {
            totalWeight += weight
            for product in basket.items.keys { shares[product, default: 0] += weight }
            weight *= self.parameters.decay
        }
        guard totalWeight > 0 else { return shares }
        return shares.mapValues { $0 / totalWeight }
    }
}

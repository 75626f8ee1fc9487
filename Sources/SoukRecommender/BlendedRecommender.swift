import Foundation

/// Souk's model: buy-again and item-to-item neighbours blended, both time-decayed, with a little popularity.
///
/// A product scores
/// - its **repeat** share: the decayed fraction of the customer's baskets that held it (the latest basket weighs 1,
///   the one before `decay`, then `decay²`, …), so a staple bought every week outranks one bought once long ago;
/// - plus `neighbourWeight` × its **neighbour** score: the sum over the customer's products of their repeat share
///   times the cosine similarity to it, scaled so the best is 1 (recent habits pull in what is bought with them);
/// - plus `popularityWeight` × log(1 + baskets holding it) / log(1 + the most), which orders the tail and gives
///   a customer with a thin history something reasonable.
/// With the customer's own products excluded (the new-items question) only the last two remain.
package struct BlendedRecommender: BasketRecommender {
    /// The blend's knobs; the defaults were chosen on one public data set and checked on another (README).
    package struct Parameters: Sendable, Hashable {
        package var decay = 0.8
        package var neighbourWeight = 0.25
        package var popularityWeight = 0.5
        /// Shrinks a similarity seen in few baskets: × together / (together + shrinkage).
        package var shrinkage = 0.0
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
        var repeatShare: [Int: Double] = [:]
        var totalWeight = 0.0
        var weight = 1.0
        for basket in history.baskets.reversed() {
            totalWeight += weight
            for product in basket.items.keys { repeatShare[product, default: 0] += weight }
            weight *= parameters.decay
        }
        if totalWeight > 0 {
            for (product, share) in repeatShare { repeatShare[product] = share / totalWeight }
        }
        var neighbourScore: [Int: Double] = [:]
        for (product, share) in repeatShare {
            for neighbour in self.statistics.neighbours[product] where !excluded.contains(neighbour.product) {
                let confidence = Double(neighbour.together) / (Double(neighbour.together) + parameters.shrinkage)
                neighbourScore[neighbour.product, default: 0] += share * neighbour.similarity * confidence
            }
        }
        let bestNeighbour = neighbourScore.values.max() ?? 0
        let mostBaskets = Double(self.statistics.byPopularity.first.map { self.statistics.basketCounts[$0] } ?? 0)

        var scores: [Int: Double] = [:]
        func popularity(_ product: Int) -> Double {
            mostBaskets > 0 ? log1p(Double(self.statistics.basketCounts[product])) / log1p(mostBaskets) : 0
        }
        for (product, share) in repeatShare where !excluded.contains(product) {
            scores[product] = share
        }
        for (product, score) in neighbourScore {
            scores[product, default: 0] += parameters.neighbourWeight * (bestNeighbour > 0 ? score / bestNeighbour : 0)
        }
        var popular = 0
        for product in self.statistics.byPopularity where !excluded.contains(product) {
            if scores[product] == nil { scores[product] = 0 }
            popular += 1
            if popular == parameters.popularCandidates { break }
        }
        for product in scores.keys { scores[product]! += parameters.popularityWeight * popularity(product) }
        return Ranking.top(scores, count: count)
    }
}

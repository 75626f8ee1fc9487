import Foundation

/// NDCG, recall and hit rate of one ranked list against the products actually bought.
package struct RankingMetrics: Sendable, Hashable {
    package var ndcg: Double
    package var recall: Double
    package var hitRate: Double

    package init(ndcg: Double = 0, recall: Double = 0, hitRate: Double = 0) {
        self.ndcg = ndcg
        self.recall = recall
        self.hitRate = hitRate
    }

    /// The metrics @`cutoff` of `ranked` for the `relevant` set (binary relevance; NDCG's ideal list puts
    /// min(|relevant|, cutoff) hits first; recall divides the hits by |relevant|).
    package init(ranked: [Int], relevant: Set<Int>, cutoff: Int = 10) {
        guard !relevant.isEmpty else {
            self.init()
            return
        }
        var dcg = 0.0
        var hits = 0
        for (position, item) in ranked.prefix(cutoff).enumerated() where relevant.contains(item) {
            dcg += 1 / log2(Double(position + 2))
            hits += 1
        }
        var ideal = 0.0
        for position in 0..<min(relevant.count, cutoff) { ideal += 1 / log2(Double(position + 2)) }
        self.init(ndcg: dcg / ideal, recall: Double(hits) / Double(relevant.count), hitRate: hits > 0 ? 1 : 0)
    }

    /// The mean of each metric.
    package static func mean(_ all: [RankingMetrics]) -> RankingMetrics {
        guard !all.isEmpty else { return RankingMetrics() }
        let count = Double(all.count)
        return RankingMetrics(
            ndcg: all.reduce(0) { $0 + $1.ndcg } / count,
            recall: all.reduce(0) { $0 + $1.recall } / count,
            hitRate: all.reduce(0) { $0 + $1.hitRate } / count
        )
    }
}

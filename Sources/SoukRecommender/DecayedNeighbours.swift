import Foundation

/// Each product's nearest co-purchased products, recent baskets counting more: "customers also bought".
///
/// A basket bought `age` days before `now` weighs `0.5^(age / halfLifeDays)`. With `c(i)` the summed weight of the
/// baskets holding `i` and `t(i, j)` that of the baskets holding both, the similarity is the cosine
/// `t(i, j) / √(c(i) · c(j))`; each product keeps its `count` most similar, ties by the neighbour's id.
package enum DecayedNeighbours {
    /// A neighbour and its similarity.
    package struct Neighbour: Sendable, Hashable {
        package var product: Int
        package var similarity: Double
    }

    /// The neighbours of every product of `data`, by product index.
    ///
    /// - Parameters:
    ///   - now: seconds since 1970; baskets after it weigh 1.
    ///   - basketItemLimit: a basket's first this-many products (by index) count, bounding a very large basket.
    package static func compute(
        _ data: BasketData,
        now: Int64,
        halfLifeDays: Double,
        count: Int,
        basketItemLimit: Int = 60
    ) -> [[Neighbour]] {
        var weights = [Double](repeating: 0, count: data.products.count)
        var together: [Int: [Int: Double]] = [:]
        for basket in data.baskets {
            let ageDays = Double(max(0, now - basket.time)) / 86_400
            let weight = halfLifeDays > 0 ? pow(0.5, ageDays / halfLifeDays) : 1
            let items = basket.items.keys.sorted().prefix(basketItemLimit)
            for item in items { weights[item] += weight }
            for (offset, first) in items.enumerated() {
                for second in items.dropFirst(offset + 1) {
                    together[first, default: [:]][second, default: 0] += weight
                    together[second, default: [:]][first, default: 0] += weight
                }
            }
        }
        var lists = [[Neighbour]](repeating: [], count: data.products.count)
        for (item, others) in together {
            var scored = others.map { other, weight in
                Neighbour(product: other, similarity: weight / (weights[item] * weights[other]).squareRoot())
            }
            scored.sort {
                $0.similarity != $1.similarity
                    ? $0.similarity > $1.similarity : data.products[$0.product] < data.products[$1.product]
            }
            lists[item] = Array(scored.prefix(count))
        }
        return lists
    }
}

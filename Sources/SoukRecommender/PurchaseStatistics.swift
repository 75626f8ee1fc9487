/// What every model learns from the training baskets: how many baskets hold each product, and each product's
/// nearest co-purchased products (item-to-item cosine over baskets, top K).
package struct PurchaseStatistics: Sendable {
    /// Training baskets that hold each product, by product index.
    package var basketCounts: [Int]
    /// Products by ``basketCounts``, most bought first (ties by index).
    package var byPopularity: [Int]
    /// Each product's neighbours: the product, the cosine similarity and the baskets holding both, most similar
    /// first, at most `neighbours` of them.
    package var neighbours: [[Neighbour]]

    /// A co-purchased product.
    package struct Neighbour: Sendable, Hashable {
        package var product: Int
        /// Baskets holding both ÷ √(baskets holding each).
        package var similarity: Double
        /// Baskets holding both.
        package var together: Int
    }

    /// Learns from `training` over `productCount` products.
    ///
    /// - Parameters:
    ///   - neighbours: how many neighbours to keep per product.
    ///   - basketItemLimit: a basket's first this-many products (by index) count for co-purchase, bounding the
    ///     pairs a very large basket adds.
    package init(training: [Basket], productCount: Int, neighbours: Int = 50, basketItemLimit: Int = 60) {
        var counts = [Int](repeating: 0, count: productCount)
        var pairs: [Int: [Int: Int]] = [:]
        for basket in training {
            let items = basket.items.keys.sorted().prefix(basketItemLimit)
            for item in items { counts[item] += 1 }
            for (offset, first) in items.enumerated() {
                for second in items.dropFirst(offset + 1) {
                    pairs[first, default: [:]][second, default: 0] += 1
                    pairs[second, default: [:]][first, default: 0] += 1
                }
            }
        }
        self.basketCounts = counts
        self.byPopularity = counts.indices.filter { counts[$0] > 0 }.sorted {
            counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1
        }
        var lists = [[Neighbour]](repeating: [], count: productCount)
        for (item, together) in pairs {
            var scored = together.map { other, count in
                Neighbour(
                    product: other,
                    similarity: Double(count) / (Double(counts[item]) * Double(counts[other])).squareRoot(),
                    together: count
                )
            }
            scored.sort { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.product < $1.product }
            lists[item] = Array(scored.prefix(neighbours))
        }
        self.neighbours = lists
    }
}

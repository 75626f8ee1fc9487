/// Judges models offline: each ranks 10 products for every held-out customer, in two questions.
package enum RecommendationEvaluation {
    /// What is asked of the models.
    package enum Mode: String, Sendable, CaseIterable {
        /// Anything the customer bought in the held-out part counts.
        case allItems = "all items"
        /// Only products the customer never bought before count, and their past products are not recommended.
        case newItems = "new items"
    }

    /// One model's mean metrics in one mode.
    package struct Row: Sendable, Hashable {
        package var mode: Mode
        package var model: String
        package var metrics: RankingMetrics
        /// Customers judged (in the new-items mode, those who bought something new).
        package var customers: Int
    }

    /// Every model in both modes, in the order given.
    package static func run(
        split: EvaluationSplit,
        recommenders: [any BasketRecommender],
        cutoff: Int = 10
    ) -> [Row] {
        var histories: [Int: [Basket]] = [:]
        for basket in split.training where split.targets[basket.customer] != nil {
            histories[basket.customer, default: []].append(basket)
        }
        let customers = split.targets.keys.sorted()
        var rows: [Row] = []
        for mode in Mode.allCases {
            for recommender in recommenders {
                var all: [RankingMetrics] = []
                for customer in customers {
                    let history = CustomerHistory(baskets: histories[customer] ?? [])
                    let bought = split.targets[customer] ?? []
                    let excluded: Set<Int>
                    let relevant: Set<Int>
                    switch mode {
                    case .allItems:
                        excluded = []
                        relevant = bought
                    case .newItems:
                        excluded = history.products
                        relevant = bought.subtracting(excluded)
                    }
                    guard !relevant.isEmpty else { continue }
                    let ranked = recommender.recommend(for: history, count: cutoff, excluding: excluded)
                    all.append(RankingMetrics(ranked: ranked, relevant: relevant, cutoff: cutoff))
                }
                rows.append(
                    Row(mode: mode, model: recommender.name, metrics: RankingMetrics.mean(all), customers: all.count)
                )
            }
        }
        return rows
    }

    /// The four models of the report: popularity, buy-again, plain item-kNN and Souk's blend.
    package static func standardModels(
        statistics: PurchaseStatistics,
        parameters: BlendedRecommender.Parameters = .init()
    ) -> [any BasketRecommender] {
        [
            PopularityRecommender(statistics: statistics),
            BuyAgainRecommender(),
            ItemKNNRecommender(statistics: statistics),
            BlendedRecommender(statistics: statistics, parameters: parameters),
        ]
    }
}

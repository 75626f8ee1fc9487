/// What the models learn from and what they are judged on: training baskets, and for each judged customer the
/// products they bought afterwards.
package struct EvaluationSplit: Sendable {
    /// How to cut the baskets in two.
    package enum Rule: Sendable, Hashable {
        /// Each customer's last basket is held out (customers with one basket only train).
        case lastBasket
        /// Baskets of the last `days` days (from the latest basket's time) are held out; ISO 8601 times only.
        case testDays(Int)
    }

    /// Baskets the models learn from, each customer's in time order.
    package var training: [Basket]
    /// For each judged customer (one with training baskets), the products of their held-out baskets.
    package var targets: [Int: Set<Int>]

    /// Cuts `data` by `rule`.
    ///
    /// - Throws: ``BasketFileError`` naming `file`: a day split of integer times, an empty test window, or no
    ///   customer with both training and held-out baskets.
    package init(data: BasketData, rule: Rule, file: String) throws(BasketFileError) {
        var training: [Basket] = []
        var held: [Int: Set<Int>] = [:]
        switch rule {
        case .lastBasket:
            var index = 0
            while index < data.baskets.count {
                let customer = data.baskets[index].customer
                var end = index
                while end < data.baskets.count, data.baskets[end].customer == customer { end += 1 }
                if end - index >= 2 {
                    training += data.baskets[index..<(end - 1)]
                    held[customer] = Set(data.baskets[end - 1].items.keys)
                } else {
                    training.append(data.baskets[index])
                }
                index = end
            }
        case .testDays(let days):
            guard data.timeKind == .instants else {
                throw BasketFileError(
                    file: file,
                    field: "time",
                    message:
                        "times are integers that only order baskets; --test-days needs ISO 8601 times (use --last-basket)"
                )
            }
            guard days >= 1 else {
                throw BasketFileError(file: file, message: "--test-days must be 1 or more, not \(days)")
            }
            let latest = data.baskets.map(\.time).max() ?? 0
            let cutoff = latest - Int64(days) * 86_400
            for basket in data.baskets {
                if basket.time > cutoff {
                    held[basket.customer, default: []].formUnion(basket.items.keys)
                } else {
                    training.append(basket)
                }
            }
            guard !held.isEmpty else {
                throw BasketFileError(file: file, message: "empty test window: no basket in the last \(days) days")
            }
        }
        let trained = Set(training.map(\.customer))
        self.training = training
        self.targets = held.filter { trained.contains($0.key) }
        guard !self.targets.isEmpty else {
            throw BasketFileError(
                file: file,
                message: "no customers to evaluate: none has baskets both before and in the held-out part"
            )
        }
    }
}

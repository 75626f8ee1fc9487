import ArgumentParser
import Foundation
import SoukRecommender

/// `souk-worker recs evaluate`: judges the models on a basket file, offline.
struct RecsEvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Judge the recommendation models on real baskets: NDCG@10, recall@10 and hit rate@10.",
        discussion: """
            Reads a CSV with the header customer,basket,product,quantity,time (time in ISO 8601, or an integer \
            that only orders a customer's baskets), holds out each customer's last basket (--last-basket, the \
            default) or the baskets of the last N days (--test-days N, ISO 8601 times only), trains on the rest, and \
            prints the metrics of popularity, buy-again, plain item-kNN and Souk's model, for all items and for \
            new items only (what the customer never bought before). A bad file, a bad time, an empty test window \
            or no customers to evaluate: one line naming the file, line and field, exit status 1.
            """
    )

    @Option(name: .long, help: "The basket CSV file.")
    var baskets: String

    @Option(name: .long, help: "Hold out the baskets of the last N days (ISO 8601 times).")
    var testDays: Int?

    @Flag(name: .long, help: "Hold out each customer's last basket (the default).")
    var lastBasket = false

    @Option(name: .long, help: "Souk's model: the weight of each older basket relative to the next (0-1).")
    var decay: Double?

    @Option(name: .long, help: "Souk's model: how much co-purchase neighbours lift popular products.")
    var neighbourWeight: Double?

    @Option(name: .long, help: "Souk's model: the weight of discovery (new products) against buying again.")
    var discoveryWeight: Double?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        do {
            try self.evaluate()
        } catch let error as BasketFileError {
            FileHandle.standardError.write(Data("souk-worker: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func evaluate() throws {
        if self.testDays != nil, self.lastBasket {
            throw BasketFileError(
                file: self.baskets,
                message: "--test-days and --last-basket are two ways to split; give one"
            )
        }
        let text: String
        do {
            text = try String(contentsOfFile: self.baskets, encoding: .utf8)
        } catch {
            throw BasketFileError(
                file: self.baskets,
                message: "cannot be read as UTF-8 text: \(error.localizedDescription)"
            )
        }
        let data = try BasketFile.read(text, file: self.baskets)
        let rule: EvaluationSplit.Rule = self.testDays.map { .testDays($0) } ?? .lastBasket
        let split = try EvaluationSplit(data: data, rule: rule, file: self.baskets)
        var parameters = BlendedRecommender.Parameters()
        if let decay = self.decay { parameters.decay = decay }
        if let weight = self.neighbourWeight { parameters.neighbourWeight = weight }
        if let weight = self.discoveryWeight { parameters.discoveryWeight = weight }
        let statistics = PurchaseStatistics(training: split.training, productCount: data.products.count)
        let rows = RecommendationEvaluation.run(
            split: split,
            recommenders: RecommendationEvaluation.standardModels(statistics: statistics, parameters: parameters)
        )
        let splitText =
            switch rule {
            case .lastBasket: "each customer's last basket held out"
            case .testDays(let days): "the last \(days) days held out"
            }
        if self.json {
            let objects = rows.map { row in
                [
                    "mode": row.mode.rawValue, "model": row.model, "customers": "\(row.customers)",
                    "ndcg_at_10": String(format: "%.4f", row.metrics.ndcg),
                    "recall_at_10": String(format: "%.4f", row.metrics.recall),
                    "hit_rate_at_10": String(format: "%.4f", row.metrics.hitRate),
                ]
            }
            let encoded = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: encoded, as: UTF8.self))
            return
        }
        print(
            "\(self.baskets): \(data.baskets.count) baskets, \(data.customers.count) customers, "
                + "\(data.products.count) products; \(splitText); \(split.training.count) baskets to train on"
        )
        print("mode       model        customers  NDCG@10  recall@10  hit rate@10")
        for row in rows {
            print(
                row.mode.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + row.model.padding(toLength: 13, withPad: " ", startingAt: 0)
                    + String(
                        format: "%9d  %7.4f  %9.4f  %11.4f",
                        row.customers,
                        row.metrics.ndcg,
                        row.metrics.recall,
                        row.metrics.hitRate
                    )
            )
        }
    }
}

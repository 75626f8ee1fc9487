import SoukRecommender
import Testing

@Suite("Basket files")
struct BasketFileTests {
    @Test("columns in any order, extra columns ignored, a basket's lines merged, each customer's baskets in time order")
    func reads() throws {
        let text = """
            time,product,extra,customer,basket,quantity
            2024-03-02T10:00:00Z,milk,x,ann,b2,1
            2024-03-01,bread,x,ann,b1,2
            2024-03-01,bread,x,ann,b1,1
            2024-03-01T12:00:00+02:00,eggs,x,bob,b3,1
            """
        let data = try BasketFile.read(text, file: "f.csv")
        #expect(data.timeKind == .instants)
        #expect(data.baskets.map(\.id) == ["b1", "b2", "b3"])
        let bread = try #require(data.products.firstIndex(of: "bread"))
        #expect(data.baskets[0].items == [bread: 3])
        #expect(data.baskets[0].time == 1_709_251_200)
        #expect(data.baskets[2].time == 1_709_287_200)
    }

    @Test(
        "bad input is one line naming the file, the line and the field",
        arguments: [
            ("customer,basket,product,quantity\n", "f.csv:1: time: missing column"),
            ("customer,basket,product,quantity,time\na,b,p,1,yesterday\n", "f.csv:2: time: 'yesterday' is neither"),
            ("customer,basket,product,quantity,time\na,b,p,0,1\n", "f.csv:2: quantity: '0' is not a whole number"),
            ("customer,basket,product,quantity,time\na,,p,1,1\n", "f.csv:2: basket: empty"),
            ("customer,basket,product,quantity,time\na,b,p,1,1\na,c,p,1,2024-01-01\n", "f.csv:3: time: '2024-01-01'"),
            ("customer,basket,product,quantity,time\na,b,p,1,1\na,b,q,1,2\n", "f.csv:3: time: basket 'b'"),
            ("customer,basket,product,quantity,time\n", "f.csv: no baskets"),
            ("customer,basket,product,quantity,time\na,b\n", "f.csv:2: 2 fields"),
        ]
    )
    func refuses(text: String, message: String) {
        let error = #expect(throws: BasketFileError.self) { _ = try BasketFile.read(text, file: "f.csv") }
        #expect(error?.description.hasPrefix(message) == true, "\(String(describing: error))")
    }
}

@Suite("Evaluation splits and metrics")
struct EvaluationTests {
    static let file = """
        customer,basket,product,quantity,time
        ann,1,milk,1,2024-03-01
        ann,1,bread,1,2024-03-01
        ann,2,milk,1,2024-03-08
        ann,3,milk,1,2024-03-20
        ann,3,jam,1,2024-03-20
        bob,4,bread,1,2024-03-02
        bob,5,eggs,1,2024-03-19
        cid,6,tea,1,2024-03-18
        """

    @Test("the last basket of each customer with two or more is held out")
    func lastBasket() throws {
        let data = try BasketFile.read(Self.file, file: "f.csv")
        let split = try EvaluationSplit(data: data, rule: .lastBasket, file: "f.csv")
        let names = { (set: Set<Int>) in Set(set.map { data.products[$0] }) }
        #expect(split.targets.count == 2)
        #expect(names(try #require(split.targets[data.customers.firstIndex(of: "ann")!])) == ["milk", "jam"])
        #expect(split.training.count == 4, "ann's first two, bob's first, cid's only")
    }

    @Test("a day split holds out the last N days; customers with nothing before are not judged")
    func testDays() throws {
        let data = try BasketFile.read(Self.file, file: "f.csv")
        let split = try EvaluationSplit(data: data, rule: .testDays(3), file: "f.csv")
        #expect(Set(split.targets.keys.map { data.customers[$0] }) == ["ann", "bob"], "cid has no earlier basket")
        let error = #expect(throws: BasketFileError.self) {
            _ = try EvaluationSplit(
                data: try BasketFile.read(
                    "customer,basket,product,quantity,time\na,b,p,1,1\na,c,p,1,2\n",
                    file: "g.csv"
                ),
                rule: .testDays(3),
                file: "g.csv"
            )
        }
        #expect(error?.description.contains("--test-days needs ISO 8601 times") == true)
    }

    @Test(
        "a split with nobody to judge, or no days, is refused naming the file",
        arguments: [
            (
                "customer,basket,product,quantity,time\na,b,p,1,1\nc,d,p,1,1\n", EvaluationSplit.Rule.lastBasket,
                "h.csv: no customers to evaluate"
            ),
            (
                "customer,basket,product,quantity,time\na,b,p,1,2024-03-01T00:00:00Z\na,c,p,1,2024-03-09T00:00:00Z\n",
                EvaluationSplit.Rule.testDays(0), "h.csv: --test-days must be 1 or more"
            ),
            (
                "customer,basket,product,quantity,time\na,b,p,1,2024-03-01T00:00:00Z\nc,d,p,1,2024-03-09T00:00:00Z\n",
                EvaluationSplit.Rule.testDays(2), "h.csv: no customers to evaluate"
            ),
        ]
    )
    func refusesSplit(text: String, rule: EvaluationSplit.Rule, message: String) {
        let error = #expect(throws: BasketFileError.self) {
            _ = try EvaluationSplit(data: try BasketFile.read(text, file: "h.csv"), rule: rule, file: "h.csv")
        }
        #expect(error?.description.hasPrefix(message) == true, "\(String(describing: error))")
    }

    @Test("NDCG, recall and hit rate at 10 by hand")
    func metrics() {
        let metrics = RankingMetrics(ranked: [5, 1, 7], relevant: [1, 2], cutoff: 10)
        // DCG = 1/log2(3); IDCG = 1 + 1/log2(3).
        let dcg = 1 / 1.584_962_500_721_156
        #expect(abs(metrics.ndcg - dcg / (1 + dcg)) < 1e-9)
        #expect(metrics.recall == 0.5)
        #expect(metrics.hitRate == 1)
        #expect(RankingMetrics(ranked: [3], relevant: [1]).hitRate == 0)
    }

    @Test("buy-again ranks by times bought then recency; the blend brings in what is bought with the customer's items")
    func models() throws {
        let data = try BasketFile.read(Self.file, file: "f.csv")
        let statistics = PurchaseStatistics(training: data.baskets, productCount: data.products.count)
        let ann = CustomerHistory(baskets: data.baskets.filter { data.customers[$0.customer] == "ann" })
        let names = { (ranked: [Int]) in ranked.map { data.products[$0] } }
        #expect(names(BuyAgainRecommender().recommend(for: ann, count: 10, excluding: [])) == ["milk", "jam", "bread"])
        let fresh = BlendedRecommender(statistics: statistics).recommend(for: ann, count: 2, excluding: ann.products)
        #expect(!fresh.contains { ann.products.contains($0) })
        #expect(
            names(PopularityRecommender(statistics: statistics).recommend(for: ann, count: 2, excluding: [])).first
                == "milk"
        )
    }
}

import SoukRecommender
import Testing

/// `souk-worker recs build`'s lists over a fixture small enough to work out by hand (the derivation is in the
/// comments): three customers, four orders, three products.
@Suite("Recommendation lists")
struct RecommendationListsTests {
    static let day: Int64 = 86_400
    static let now = 100 * day

    /// ann: o4 on day 80 (milk), o1 on day 100 (milk, bread); bob: o2 on day 90 (milk, apple); cid: o3 on day 100
    /// (bread, apple). With a half-life of 10 days, o1 and o3 weigh 1, o2 0.5, o4 0.25.
    static let purchases = [
        Purchase(customer: "ann", basket: "o1", product: "milk", quantity: 1, time: 100 * day),
        Purchase(customer: "ann", basket: "o1", product: "bread", quantity: 2, time: 100 * day),
        Purchase(customer: "bob", basket: "o2", product: "milk", quantity: 1, time: 90 * day),
        Purchase(customer: "bob", basket: "o2", product: "apple", quantity: 1, time: 90 * day),
        Purchase(customer: "cid", basket: "o3", product: "bread", quantity: 1, time: 100 * day),
        Purchase(customer: "cid", basket: "o3", product: "apple", quantity: 1, time: 100 * day),
        Purchase(customer: "ann", basket: "o4", product: "milk", quantity: 1, time: 80 * day),
    ]

    static var parameters: RecommendationLists.Parameters {
        var parameters = RecommendationLists.Parameters()
        parameters.halfLifeDays = 10
        return parameters
    }

    @Test("the popular list counts baskets, ties in order of first purchase")
    func popular() {
        let lists = RecommendationLists.build(from: Self.purchases, now: Self.now, parameters: Self.parameters)
        #expect(lists.popular.map(\.product) == ["milk", "bread", "apple"])
        #expect(lists.popular.map(\.score) == [3, 2, 2])
    }

    /// Decayed weights: c(milk) = 1 + 0.5 + 0.25 = 1.75, c(bread) = 1 + 1 = 2, c(apple) = 0.5 + 1 = 1.5;
    /// together: milk–bread 1 (o1), milk–apple 0.5 (o2), bread–apple 1 (o3). Cosines: milk–bread 1/√3.5 = 0.5345,
    /// milk–apple 0.5/√2.625 = 0.3086, bread–apple 1/√3 = 0.5774. Without decay milk's two neighbours would tie
    /// (1/√6 each) and apple would come first by name; the recent o1 puts bread first.
    @Test("each product's neighbours are the time-decayed cosine of co-purchase, most similar first")
    func neighbours() throws {
        let lists = RecommendationLists.build(from: Self.purchases, now: Self.now, parameters: Self.parameters)
        let milk = try #require(lists.products["milk"])
        #expect(milk.map(\.product) == ["bread", "apple"])
        #expect(abs(milk[0].score - 0.534_522) < 1e-5)
        #expect(abs(milk[1].score - 0.308_607) < 1e-5)
        let bread = try #require(lists.products["bread"])
        #expect(bread.map(\.product) == ["apple", "milk"])
        #expect(abs(bread[0].score - 0.577_350) < 1e-5)
        #expect(try #require(lists.products["apple"]).map(\.product) == ["bread", "milk"])

        var one = Self.parameters
        one.neighbours = 1
        #expect(
            RecommendationLists.build(from: Self.purchases, now: Self.now, parameters: one).products["milk"]?.count == 1
        )
    }

    /// The blend (decay 0.8, neighbour weight 0.5, discovery weight 0.2; undecayed cosines milk–bread = milk–apple =
    /// 1/√6 = 0.408, bread–apple 0.5; popularity log(1 + n)/log 4: milk 1, bread and apple 0.7925):
    /// - ann's repeat shares: milk (o1 1 + o4 0.8)/1.8 = 1, bread 1/1.8 = 0.556. Neighbour scores: apple
    ///   0.408 + 0.556·0.5 = 0.686, bread 0.408, milk 0.227. Discovery: milk 1.165, bread 1.028, apple 1.189. Ranks:
    ///   milk 1 + 0.2·0.980 = 1.196, bread 0.556 + 0.173 = 0.729, apple 0.2: milk, bread, apple.
    /// - bob: shares milk 1, apple 1; neighbours bread 0.908, milk 0.408, apple 0.408; discovery milk 1.225, bread
    ///   1.189, apple 0.971; ranks milk 1.2, apple 1.158, bread 0.194: milk, apple, bread.
    /// - cid: shares bread 1, apple 1; neighbours milk 0.816, bread 0.5, apple 0.5; discovery milk 1.5, bread and
    ///   apple 1.035; ranks bread = apple = 1.138 (the tie by first purchase: bread), milk 0.2: bread, apple, milk.
    @Test("each customer's list is the blend: their own products by decayed share, then what is new to them")
    func customers() {
        let lists = RecommendationLists.build(from: Self.purchases, now: Self.now, parameters: Self.parameters)
        #expect(lists.customers["ann"]?.map(\.product) == ["milk", "bread", "apple"])
        #expect(lists.customers["bob"]?.map(\.product) == ["milk", "apple", "bread"])
        #expect(lists.customers["cid"]?.map(\.product) == ["bread", "apple", "milk"])
        #expect(lists.customers["ann"]?.map(\.score) == [50, 49, 48])
        #expect(lists.customers.count == 3)

        var short = Self.parameters
        short.listLength = 2
        let two = RecommendationLists.build(from: Self.purchases, now: Self.now, parameters: short)
        #expect(two.customers["ann"]?.map(\.product) == ["milk", "bread"])
        #expect(two.popular.count == 2)
    }

    @Test("no purchases: no lists")
    func empty() {
        let lists = RecommendationLists.build(from: [], now: Self.now)
        #expect(lists.customers.isEmpty && lists.products.isEmpty && lists.popular.isEmpty)
    }
}

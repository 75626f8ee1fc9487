import SoukBench
import Testing

@Suite("The chaos tally: what customers were told against what the shop holds")
struct OrderTallyTests {
    static let acknowledged = ["k1": "o1", "k2": "o2", "k3": "o3"]

    @Test("every acknowledged order found once, one event each, stock exact: exactly once")
    func exactlyOnce() {
        let tally = OrderTally(
            asked: 3,
            acknowledged: Self.acknowledged,
            listed: ["o3", "o1", "o2"],
            placedEvents: ["o1", "o2", "o3"],
            stock: .init(onHand: 100, reserved: 3, available: 97),
            stockBefore: 100
        )
        #expect(tally.acknowledged == 3)
        #expect(tally.found == 3)
        #expect(tally.duplicated == 0)
        #expect(tally.lost == 0)
        #expect(tally.unasked == 0)
        #expect(tally.missingEvents == 0)
        #expect(tally.extraEvents == 0)
        #expect(tally.stockExact == true)
        #expect(tally.isExactlyOnce)
        #expect(tally.problems.isEmpty)
    }

    @Test("an acknowledged order the shop does not list is lost")
    func lost() {
        let tally = OrderTally(asked: 3, acknowledged: Self.acknowledged, listed: ["o1", "o2"])
        #expect(tally.lost == 1)
        #expect(tally.found == 2)
        #expect(!tally.isExactlyOnce)
        #expect(tally.problems == ["1 acknowledged order(s) lost"])
    }

    @Test("an order nobody was told about is unasked, and beyond the orders asked it is duplicated")
    func unaskedAndBeyondAsked() {
        let tally = OrderTally(asked: 3, acknowledged: Self.acknowledged, listed: ["o1", "o2", "o3", "o4"])
        #expect(tally.unasked == 1)
        #expect(tally.duplicated == 1)
        #expect(tally.lost == 0)
        #expect(!tally.isExactlyOnce)
    }

    @Test("two keys answered with one order, or an order listed twice, are duplicates")
    func duplicates() {
        let shared = OrderTally(asked: 2, acknowledged: ["k1": "o1", "k2": "o1"], listed: ["o1"])
        #expect(shared.duplicated == 1)
        let twice = OrderTally(asked: 1, acknowledged: ["k1": "o1"], listed: ["o1", "o1"])
        #expect(twice.duplicated == 1)
        #expect(twice.found == 1)
    }

    @Test("an order never acknowledged fails the tally even when nothing is lost")
    func neverAcknowledged() {
        let tally = OrderTally(asked: 4, acknowledged: Self.acknowledged, listed: ["o1", "o2", "o3"])
        #expect(tally.lost == 0)
        #expect(!tally.isExactlyOnce)
        #expect(tally.problems == ["1 order(s) never acknowledged"])
    }

    @Test("missing, repeated and foreign order.placed events are counted")
    func events() {
        let tally = OrderTally(
            asked: 3,
            acknowledged: Self.acknowledged,
            listed: ["o1", "o2", "o3"],
            placedEvents: ["o1", "o1", "o2", "o9"]
        )
        #expect(tally.missingEvents == 1)
        #expect(tally.extraEvents == 2)
        #expect(!tally.isExactlyOnce)
    }

    @Test(
        "stock adds up only with on hand unchanged and one reserved unit per order",
        arguments: [
            (OrderTally.StockFigures(onHand: 10, reserved: 3, available: 7), true),
            (OrderTally.StockFigures(onHand: 10, reserved: 4, available: 6), false),
            (OrderTally.StockFigures(onHand: 9, reserved: 3, available: 6), false),
            (OrderTally.StockFigures(onHand: 10, reserved: 3, available: 6), false),
        ]
    )
    func stock(level: OrderTally.StockFigures, exact: Bool) {
        let tally = OrderTally(
            asked: 3,
            acknowledged: Self.acknowledged,
            listed: ["o1", "o2", "o3"],
            stock: level,
            stockBefore: 10
        )
        #expect(tally.stockExact == exact)
        #expect(tally.isExactlyOnce == exact)
    }
}

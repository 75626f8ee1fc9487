import SoukBench
import Testing

@Suite("souk-bench chaos: phases, sizes and their validation")
struct ChaosPlanTests {
    static func plan(quick: Bool = false) -> ChaosPlan {
        ChaosPlan.defaults(quick: quick, soukd: "/nonexistent/soukd", seed: 7)
    }

    @Test("the defaults are issue 17's sizes, and valid, in both modes")
    func defaults() throws {
        let full = Self.plan()
        #expect(full.crash.orders == 1000)
        #expect(full.crash.kills == 3)
        #expect(full.crash.customers == 8)
        #expect(full.soak.warmupSeconds == 80)
        #expect(full.phases == [.crash, .restart, .soak])
        try full.validate()
        try Self.plan(quick: true).validate()
    }

    @Test(
        "phases are parsed in run order, without repeats",
        arguments: [
            ("all", [ChaosPlan.Phase.crash, .restart, .soak]),
            ("soak,crash", [.crash, .soak]),
            ("restart, restart", [.restart]),
        ]
    )
    func phases(text: String, expected: [ChaosPlan.Phase]) throws {
        #expect(try ChaosPlan.phases(text) == expected)
    }

    @Test("an unknown or empty phase is refused", arguments: ["boom", "", ","])
    func unknownPhase(text: String) {
        #expect(throws: BenchError.self) { try ChaosPlan.phases(text) }
    }

    @Test("sizes out of range are refused")
    func outOfRange() {
        var fewerOrdersThanCustomers = Self.plan()
        fewerOrdersThanCustomers.crash.orders = 4
        var negativeKills = Self.plan()
        negativeKills.crash.kills = -1
        var noSoak = Self.plan()
        noSoak.soak.seconds = 0
        var tinyRestart = Self.plan()
        tinyRestart.restart.orders = 10
        for plan in [fewerOrdersThanCustomers, negativeKills, noSoak, tinyRestart] {
            #expect(throws: BenchError.self) { try plan.validate() }
        }
    }

    @Test("orders are shared out so the customers place exactly the total")
    func shares() {
        for (total, customers) in [(1000, 8), (10, 3), (7, 7), (200, 6)] {
            let shares = (0..<customers).map { ChaosPlan.share(of: total, customer: $0, of: customers) }
            #expect(shares.reduce(0, +) == total)
            #expect((shares.max() ?? 0) - (shares.min() ?? 0) <= 1)
        }
    }

    @Test("the seeded generator repeats its sequence for a seed")
    func seeded() {
        var first = SeededGenerator(seed: 20_261_206)
        var second = SeededGenerator(seed: 20_261_206)
        let a = (0..<5).map { _ in Double.random(in: 0.2...0.8, using: &first) }
        let b = (0..<5).map { _ in Double.random(in: 0.2...0.8, using: &second) }
        #expect(a == b)
        #expect(a.allSatisfy { (0.2...0.8).contains($0) })
    }
}

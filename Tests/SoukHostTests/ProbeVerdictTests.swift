import Testing

@testable import SoukHost

@Suite("The database probe's verdict: unreachable only after misses in a row")
struct ProbeVerdictTests {
    /// Whether the database counts as reachable after each outcome, in order.
    private static func verdicts(_ outcomes: [Bool], missesBeforeUnreachable: Int) -> [Bool] {
        var verdict = ProbeVerdict(missesBeforeUnreachable: missesBeforeUnreachable)
        return outcomes.map { verdict.record(answered: $0) }
    }

    @Test("three misses in a row declare the database unreachable; one answer restores it")
    func missesInARow() {
        let reachable = Self.verdicts([false, false, false, false, true], missesBeforeUnreachable: 3)
        #expect(reachable == [true, true, false, false, true])
    }

    @Test("an answer between misses starts the count again")
    func answerResets() {
        let reachable = Self.verdicts([false, true, false, true, false, false], missesBeforeUnreachable: 2)
        #expect(reachable == [true, true, true, true, true, false])
    }

    @Test("a threshold below one still needs one miss")
    func thresholdAtLeastOne() {
        let reachable = Self.verdicts([true, false, true], missesBeforeUnreachable: 0)
        #expect(reachable == [true, false, true])
    }

    @Test("the misses are counted until an answer")
    func missesCounted() {
        var verdict = ProbeVerdict(missesBeforeUnreachable: 3)
        for _ in 0..<4 { _ = verdict.record(answered: false) }
        let misses = verdict.misses
        _ = verdict.record(answered: true)
        #expect(misses == 4 && verdict.misses == 0)
    }
}

import SoukBench
import Testing

@Suite("Soak drift: memory, descriptors and PostgreSQL connections against their bounds")
struct ResourceDriftTests {
    static func sample(_ mebibytes: Int, _ descriptors: Int, _ connections: Int?) -> ResourceSample {
        ResourceSample(
            residentBytes: mebibytes * 1_048_576,
            descriptors: descriptors,
            databaseConnections: connections
        )
    }

    @Test("growth within every bound passes")
    func withinBounds() {
        let drift = ResourceDrift(warm: Self.sample(100, 40, 10), end: Self.sample(105, 45, 11))
        #expect(abs(drift.memoryGrowth - 0.05) < 1e-9)
        #expect(drift.descriptorGrowth == 5)
        #expect(drift.connectionGrowth == 1)
        #expect(drift.isWithinBounds)
    }

    @Test("memory growing more than 10 % fails")
    func memory() {
        let drift = ResourceDrift(warm: Self.sample(100, 40, 10), end: Self.sample(111, 40, 10))
        #expect(drift.problems == ["memory grew +11.0 % (bound +10.0 %)"])
    }

    @Test("descriptors beyond +8 and connections beyond +2 fail")
    func descriptorsAndConnections() {
        let drift = ResourceDrift(warm: Self.sample(100, 40, 10), end: Self.sample(90, 49, 13))
        #expect(drift.memoryGrowth < 0)
        #expect(drift.problems.count == 2)
        #expect(!drift.isWithinBounds)
    }

    @Test("a reading without connections leaves their drift unknown, not failed")
    func unknownConnections() {
        let drift = ResourceDrift(warm: Self.sample(100, 40, nil), end: Self.sample(100, 40, 50))
        #expect(drift.connectionGrowth == nil)
        #expect(drift.isWithinBounds)
    }

    @Test("the median of readings takes the middle value of each figure")
    func median() throws {
        let median = try #require(
            ResourceSample.median([Self.sample(100, 40, 10), Self.sample(300, 30, 12), Self.sample(200, 50, 11)])
        )
        #expect(median == Self.sample(200, 40, 11))
        #expect(ResourceSample.median([]) == nil)
    }

    @Test("percentages are shown with a sign and one decimal", arguments: [(0.057, "+5.7 %"), (-0.02, "-2.0 %")])
    func percent(fraction: Double, shown: String) {
        #expect(ResourceDrift.percent(fraction) == shown)
    }
}

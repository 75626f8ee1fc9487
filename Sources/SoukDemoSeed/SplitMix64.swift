/// A tiny deterministic random number generator (Steele, Lea and Flood's SplitMix64): the same seed gives the same
/// sequence on every platform, which the demo seed relies on for identical content on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `range`, from this generator alone (the standard library's `random(in:using:)` may change its
    /// algorithm between releases; this never does).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(self.next() % span)
    }

    /// One element of `items` (not empty).
    mutating func pick<T>(_ items: [T]) -> T {
        items[self.int(in: 0...(items.count - 1))]
    }

    /// True with probability `percent` / 100.
    mutating func chance(_ percent: Int) -> Bool {
        self.int(in: 0...99) < percent
    }
}

package import Histogram

/// What one closed-loop worker counted; merged across workers and rounds without locks.
package struct WorkerTally: Sendable {
    /// Latency of each call that ended inside the window, in nanoseconds.
    package var latencyNanoseconds: Histogram<UInt64>
    /// Calls that ended inside the window.
    package var calls = 0
    /// Messages counted inside the window (as they arrived, for server streams).
    package var messages = 0
    /// Payload bytes counted inside the window.
    package var payloadBytes = 0
    /// Calls that failed, in the window or not.
    package var failures = 0
    /// The first failure, to name the cause.
    package var firstFailure: String?

    /// An empty tally; latencies up to 10 minutes at three significant digits.
    package init() {
        self.latencyNanoseconds = Histogram(
            highestTrackableValue: 600_000_000_000,
            numberOfSignificantValueDigits: .three
        )
    }

    /// Adds `other`'s counts to these.
    package mutating func merge(_ other: WorkerTally) {
        self.latencyNanoseconds.add(other.latencyNanoseconds)
        self.calls += other.calls
        self.messages += other.messages
        self.payloadBytes += other.payloadBytes
        self.failures += other.failures
        if self.firstFailure == nil { self.firstFailure = other.firstFailure }
    }

    /// The p50/p90/p99/p99.9 latencies in microseconds.
    package var percentiles: LatencyPercentiles {
        func micros(_ percentile: Double) -> Double {
            Double(self.latencyNanoseconds.valueAtPercentile(percentile)) / 1000
        }
        return LatencyPercentiles(p50: micros(50), p90: micros(90), p99: micros(99), p999: micros(99.9))
    }
}

/// The window a worker counts in, and the per-message counting a streaming call does as messages arrive.
package struct MeasurementWindow: Sendable {
    /// When counting starts (the warm-up ends).
    package let start: ContinuousClock.Instant
    /// When counting and calling stop.
    package let end: ContinuousClock.Instant

    package init(start: ContinuousClock.Instant, end: ContinuousClock.Instant) {
        self.start = start
        self.end = end
    }

    /// Whether `instant` falls inside the window.
    package func contains(_ instant: ContinuousClock.Instant) -> Bool {
        instant >= self.start && instant <= self.end
    }
}

/// How often and how patiently a Measurement Protocol request is tried again after 5xx, 429 or a connection
/// failure: exponential backoff with "equal jitter".
package struct GA4Retries: Sendable, Hashable {
    /// Attempts in all, the first included (1 = no retry).
    package var maxAttempts: Int
    /// The wait before the first retry; it doubles for each next one.
    package var initialBackoff: Duration
    /// The longest wait between two attempts.
    package var maxBackoff: Duration

    /// `maxAttempts` (at least 1) attempts, the waits doubling from `initialBackoff` up to `maxBackoff`.
    package init(maxAttempts: Int, initialBackoff: Duration, maxBackoff: Duration) {
        precondition(maxAttempts >= 1, "a request is attempted at least once")
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// Five attempts, waiting about 1 s, 2 s, 4 s and 8 s.
    package static var defaults: Self {
        Self(maxAttempts: 5, initialBackoff: .seconds(1), maxBackoff: .seconds(30))
    }

    /// The wait after attempt `attempt`: `initialBackoff · 2^(attempt − 1)` up to `maxBackoff`, then a random point
    /// in its upper half, so workers that failed together spread out.
    package func backoff(after attempt: Int) -> Duration {
        var base = self.initialBackoff
        for _ in 1..<max(attempt, 1) where base < self.maxBackoff { base *= 2 }
        base = min(base, self.maxBackoff)
        return base * Double.random(in: 0.5...1.0)
    }
}

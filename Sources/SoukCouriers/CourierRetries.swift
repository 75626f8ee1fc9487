/// How often and how patiently a courier call that may be repeated is tried again: reads and quotes after a
/// connection error, a timeout, 429 or 5xx; registrations and purchases only after a refused connection, the one
/// failure that proves the request never reached the courier (neither CDEK nor EasyPost documents an idempotency
/// key, so a repeat could register twice or buy two labels).
package struct CourierRetries: Sendable, Hashable {
    /// Attempts in all, the first included (1 = no retry).
    package var maxAttempts: Int
    /// The wait before the first retry; it doubles for each next one.
    package var initialBackoff: Duration
    /// The longest wait between two attempts.
    package var maxBackoff: Duration

    /// `maxAttempts` (at least 1) attempts, the waits between them doubling from `initialBackoff` to `maxBackoff`.
    package init(maxAttempts: Int, initialBackoff: Duration, maxBackoff: Duration) {
        precondition(maxAttempts >= 1, "a call is attempted at least once")
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// Three attempts, waiting about 0.5 s then 1 s.
    package static var defaults: Self {
        Self(maxAttempts: 3, initialBackoff: .milliseconds(500), maxBackoff: .seconds(5))
    }

    /// The wait before attempt `attempt + 1`: `initialBackoff · 2^(attempt − 1)` up to `maxBackoff`, then "equal
    /// jitter": a random point in its upper half, so clients that failed together spread out.
    package func backoff(after attempt: Int) -> Duration {
        var base = self.initialBackoff
        for _ in 1..<max(attempt, 1) where base < self.maxBackoff { base *= 2 }
        base = min(base, self.maxBackoff)
        return base * Double.random(in: 0.5...1.0)
    }
}

/// How often and how patiently a failed call to an outside service is tried again: exponential backoff, with "equal
/// jitter" unless a caller needs exact waits.
///
/// The providers' clients (Stripe, the couriers, GA4) and the local servers' webhooks each name their own defaults
/// in an extension; which failures may be retried is each caller's decision.
package struct RetryBackoff: Sendable, Hashable {
    /// Attempts in all, the first included (1 = no retry).
    package var maxAttempts: Int
    /// The wait before the first retry; it doubles for each next one.
    package var initialBackoff: Duration
    /// The longest wait between two attempts.
    package var maxBackoff: Duration
    /// Whether each wait is a random point in the upper half of its step, so clients that failed together spread
    /// out; without it, waits are exact (tests read them).
    package var jittered: Bool

    /// `maxAttempts` (at least 1) attempts, the waits between them doubling from `initialBackoff` to `maxBackoff`.
    package init(maxAttempts: Int, initialBackoff: Duration, maxBackoff: Duration, jittered: Bool = true) {
        precondition(maxAttempts >= 1, "a call is attempted at least once")
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.jittered = jittered
    }

    /// The wait before attempt `attempt + 1`: `initialBackoff · 2^(attempt − 1)` up to `maxBackoff`, then (when
    /// ``jittered``) a random point in its upper half.
    package func backoff(after attempt: Int) -> Duration {
        var base = self.initialBackoff
        for _ in 1..<max(attempt, 1) where base < self.maxBackoff { base *= 2 }
        base = min(base, self.maxBackoff)
        return self.jittered ? base * Double.random(in: 0.5...1.0) : base
    }
}

extension StripeClient {
    /// Where Stripe is, the key, and how hard to try.
    package struct Config: Sendable, Hashable {
        /// How often and how patiently a failed call is tried again.
        package struct Retries: Sendable, Hashable {
            /// Attempts in all, the first included (1 = no retry).
            package var maxAttempts: Int
            /// The wait before the first retry; it doubles for each next one.
            package var initialBackoff: Duration
            /// The longest wait between two attempts.
            package var maxBackoff: Duration

            /// `maxAttempts` (at least 1) attempts, the waits between them doubling from `initialBackoff` to
            /// `maxBackoff`.
            package init(maxAttempts: Int, initialBackoff: Duration, maxBackoff: Duration) {
                precondition(maxAttempts >= 1, "a call is attempted at least once")
                self.maxAttempts = maxAttempts
                self.initialBackoff = initialBackoff
                self.maxBackoff = maxBackoff
            }

            /// Three attempts, waiting about 0.5 s then 1 s (Stripe's SDKs wait 0.5 s to 5 s).
            package static var defaults: Self {
                Self(maxAttempts: 3, initialBackoff: .milliseconds(500), maxBackoff: .seconds(5))
            }

            /// The wait before attempt `attempt + 1`: `initialBackoff · 2^(attempt − 1)` up to `maxBackoff`, then
            /// "equal jitter": a random point in its upper half, so clients that failed together spread out.
            package func backoff(after attempt: Int) -> Duration {
                var base = self.initialBackoff
                for _ in 1..<max(attempt, 1) where base < self.maxBackoff { base *= 2 }
                base = min(base, self.maxBackoff)
                return base * Double.random(in: 0.5...1.0)
            }
        }

        /// `https://api.stripe.com`, or a local contract server's address (no trailing slash).
        package var baseURL: String
        /// The secret key (`sk_test_…`, `sk_live_…`).
        package var secretKey: StripeSecretKey
        /// Sent as `Stripe-Version` to pin the API's behaviour; the account's default when nil.
        package var stripeVersion: String?
        /// Retries of connection errors, timeouts, 409 and 5xx.
        package var retries: Retries
        /// How long one attempt may take, answer included.
        package var requestTimeout: Duration
        /// The largest answer read; a larger one is an error.
        package var maxResponseBytes: Int

        /// Stripe at `baseURL` (a trailing slash is dropped) with `secretKey`.
        package init(
            baseURL: String,
            secretKey: StripeSecretKey,
            stripeVersion: String? = nil,
            retries: Retries = .defaults,
            requestTimeout: Duration = .seconds(30),
            maxResponseBytes: Int = 4 << 20
        ) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.secretKey = secretKey
            self.stripeVersion = stripeVersion
            self.retries = retries
            self.requestTimeout = requestTimeout
            self.maxResponseBytes = maxResponseBytes
        }

        /// Stripe itself with `secretKey` and the default retries and timeouts.
        package static func defaults(secretKey: StripeSecretKey) -> Self {
            Self(baseURL: "https://api.stripe.com", secretKey: secretKey)
        }
    }
}

/// A Stripe secret key that never shows itself: its description, debug description and mirror are redacted, so
/// it cannot reach a log by accident.
package struct StripeSecretKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The key itself, for the `Authorization` header only.
    package let value: String

    /// Wraps `value` (read from the environment or a 0600 file, never from flags).
    package init(_ value: String) { self.value = value }

    /// Whether it is a test-mode key.
    package var isTestMode: Bool { self.value.hasPrefix("sk_test_") || self.value.hasPrefix("rk_test_") }

    package var description: String { self.isTestMode ? "sk_test_(redacted)" : "sk_(redacted)" }
    package var debugDescription: String { self.description }
    package var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

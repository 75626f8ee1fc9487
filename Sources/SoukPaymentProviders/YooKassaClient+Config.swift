extension YooKassaClient {
    /// Where YooKassa is, the shop's credentials, and how hard to try.
    package struct Config: Sendable, Hashable {
        /// How often and how patiently a call is tried again.
        package struct Retries: Sendable, Hashable {
            /// Attempts in all, the first included (1 = no retry); a 202 "still processing" answer uses one too.
            package var maxAttempts: Int
            /// The wait before the first retry of a 5xx or a connection failure; it doubles for each next one.
            package var initialBackoff: Duration
            /// The longest such wait.
            package var maxBackoff: Duration
            /// The wait after a 202 or a 429 whose body names no `retry_after` (the SDKs wait 1.8 s).
            package var defaultRetryAfter: Duration
            /// The longest `retry_after` honoured; a longer one is cut to this.
            package var maxRetryAfter: Duration

            /// `maxAttempts` (at least 1) attempts, the waits after failures doubling from `initialBackoff` to
            /// `maxBackoff`, and YooKassa's `retry_after` honoured up to `maxRetryAfter`.
            package init(
                maxAttempts: Int,
                initialBackoff: Duration,
                maxBackoff: Duration,
                defaultRetryAfter: Duration = .milliseconds(1_800),
                maxRetryAfter: Duration = .seconds(60)
            ) {
                precondition(maxAttempts >= 1, "a call is attempted at least once")
                self.maxAttempts = maxAttempts
                self.initialBackoff = initialBackoff
                self.maxBackoff = maxBackoff
                self.defaultRetryAfter = defaultRetryAfter
                self.maxRetryAfter = maxRetryAfter
            }

            /// Three attempts (as YooKassa's SDKs make), waiting about 1 s then 2 s after failures.
            package static var defaults: Self {
                Self(maxAttempts: 3, initialBackoff: .seconds(1), maxBackoff: .seconds(10))
            }

            /// The wait before attempt `attempt + 1` after a failure: `initialBackoff · 2^(attempt − 1)` up to
            /// `maxBackoff`, then "equal jitter": a random point in its upper half, so clients that failed together
            /// spread out.
            package func backoff(after attempt: Int) -> Duration {
                var base = self.initialBackoff
                for _ in 1..<max(attempt, 1) where base < self.maxBackoff { base *= 2 }
                base = min(base, self.maxBackoff)
                return base * Double.random(in: 0.5...1.0)
            }

            /// The wait YooKassa asked for (`retry_after`, milliseconds), within bounds; ``defaultRetryAfter`` when
            /// it named none.
            package func retryAfter(milliseconds: Int?) -> Duration {
                guard let milliseconds, milliseconds >= 0 else { return self.defaultRetryAfter }
                return min(.milliseconds(milliseconds), self.maxRetryAfter)
            }
        }

        /// `https://api.yookassa.ru`, or a local contract server's address (no trailing slash; paths start with
        /// `/v3`).
        package var baseURL: String
        /// The shop's id, the Basic auth user name.
        package var shopID: String
        /// The shop's secret key, the Basic auth password.
        package var secretKey: YooKassaSecretKey
        /// Retries of 202, 429, 5xx, connection errors and timeouts.
        package var retries: Retries
        /// How long one attempt may take, answer included.
        package var requestTimeout: Duration
        /// The largest answer read; a larger one is an error.
        package var maxResponseBytes: Int

        /// YooKassa at `baseURL` (a trailing slash is dropped) as the shop `shopID` with `secretKey`.
        package init(
            baseURL: String,
            shopID: String,
            secretKey: YooKassaSecretKey,
            retries: Retries = .defaults,
            requestTimeout: Duration = .seconds(30),
            maxResponseBytes: Int = 4 << 20
        ) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.shopID = shopID
            self.secretKey = secretKey
            self.retries = retries
            self.requestTimeout = requestTimeout
            self.maxResponseBytes = maxResponseBytes
        }

        /// YooKassa itself as the shop `shopID` with `secretKey`, with the default retries and timeouts.
        package static func defaults(shopID: String, secretKey: YooKassaSecretKey) -> Self {
            Self(baseURL: "https://api.yookassa.ru", shopID: shopID, secretKey: secretKey)
        }
    }
}

/// A YooKassa secret key that never shows itself: its description, debug description and mirror are redacted, so
/// it cannot reach a log by accident.
package struct YooKassaSecretKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The key itself, for the `Authorization` header only.
    package let value: String

    /// Wraps `value` (read from the environment or a 0600 file, never from flags).
    package init(_ value: String) { self.value = value }

    /// Whether it is a test shop's key (`test_…`).
    package var isTestMode: Bool { self.value.hasPrefix("test_") }

    package var description: String { self.isTestMode ? "test_(redacted)" : "(redacted)" }
    package var debugDescription: String { self.description }
    package var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

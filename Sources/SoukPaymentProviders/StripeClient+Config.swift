package import SoukRetry

extension StripeClient {
    /// Where Stripe is, the key, and how hard to try.
    package struct Config: Sendable, Hashable {
        /// How often and how patiently a failed call is tried again.
        package typealias Retries = RetryBackoff

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
            retries: Retries = .stripe,
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

extension RetryBackoff {
    /// A Stripe call: three attempts, waiting about 0.5 s then 1 s (Stripe's SDKs wait 0.5 s to 5 s).
    package static var stripe: Self {
        Self(maxAttempts: 3, initialBackoff: .milliseconds(500), maxBackoff: .seconds(5))
    }
}

package import SoukRetry

/// How often and how patiently a Measurement Protocol request is tried again after 5xx, 429 or a connection
/// failure.
package typealias GA4Retries = RetryBackoff

extension RetryBackoff {
    /// A Measurement Protocol request: five attempts, waiting about 1 s, 2 s, 4 s and 8 s.
    package static var ga4: Self {
        Self(maxAttempts: 5, initialBackoff: .seconds(1), maxBackoff: .seconds(30))
    }
}

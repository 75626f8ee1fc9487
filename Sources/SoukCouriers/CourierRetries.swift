package import SoukRetry

/// How often and how patiently a courier call that may be repeated is tried again: reads and quotes after a
/// connection error, a timeout, 429 or 5xx; registrations and purchases only after a refused connection, the one
/// failure that proves the request never reached the courier (neither CDEK nor EasyPost documents an idempotency
/// key, so a repeat could register twice or buy two labels).
package typealias CourierRetries = RetryBackoff

extension RetryBackoff {
    /// A courier call: three attempts, waiting about 0.5 s then 1 s.
    package static var courier: Self {
        Self(maxAttempts: 3, initialBackoff: .milliseconds(500), maxBackoff: .seconds(5))
    }
}

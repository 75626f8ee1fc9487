import SoukPaymentProviders
import SoukRetry

extension LocalStripeServer {
    /// Where the local Stripe's events go, and how they are signed and retried: one webhook endpoint.
    ///
    /// Its description names the destination's kind only: the endpoint secret never shows.
    package struct Webhooks: Sendable, CustomStringConvertible {
        /// A Swift function in process, or an HTTP URL.
        package var destination: LocalWebhookDispatcher.Destination
        /// The endpoint secret (`whsec_…`) the `Stripe-Signature` header is made with.
        package var secret: String
        /// The envelope's `api_version`.
        package var apiVersion: String
        /// How often and how patiently a webhook is tried again.
        package var retries: LocalWebhookDispatcher.Retries
        /// Waits between attempts, on the clock given.
        let sleep: @Sendable (Duration) async throws -> Void

        /// Events to `destination`, signed with `secret`, waiting between attempts on the continuous clock.
        package init(
            destination: LocalWebhookDispatcher.Destination,
            secret: String,
            apiVersion: String = Self.defaultAPIVersion,
            retries: LocalWebhookDispatcher.Retries = .localWebhooks
        ) {
            self.init(
                destination: destination,
                secret: secret,
                apiVersion: apiVersion,
                retries: retries,
                clock: ContinuousClock()
            )
        }

        /// Events to `destination`, signed with `secret`, waiting between attempts on `clock` (tests drive the
        /// backoff without sleeping).
        package init<C: Clock>(
            destination: LocalWebhookDispatcher.Destination,
            secret: String,
            apiVersion: String = Self.defaultAPIVersion,
            retries: LocalWebhookDispatcher.Retries = .localWebhooks,
            clock: C
        ) where C.Duration == Duration {
            self.destination = destination
            self.secret = secret
            self.apiVersion = apiVersion
            self.retries = retries
            self.sleep = { try await clock.sleep(for: $0) }
        }

        /// The API version providers.md pins (`2026-07-29.dahlia`).
        package static let defaultAPIVersion = "2026-07-29.dahlia"

        package var description: String { "Webhooks(whsec_(redacted), \(self.retries.maxAttempts) attempts)" }
    }

    /// Signs and queues `events`, caused at `now` by a request with `idempotencyKey`; nothing without webhooks.
    ///
    /// Called under the state lock, so events leave in the order the ledger made them.
    func send(_ events: [LocalStripeLedger.Event], now: Int64, idempotencyKey: String?) {
        guard let webhooks = self.webhooks, let signature = self.signature, let config = self.config.webhooks else {
            return
        }
        for event in events {
            let body = LocalStripeLedger.envelope(
                event,
                created: now,
                apiVersion: config.apiVersion,
                idempotencyKey: idempotencyKey
            )
            let headers = [
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                "Stripe-Signature": signature.header(payload: body, timestamp: now),
            ]
            webhooks.enqueue(LocalWebhook(eventID: event.id, body: body, headers: headers))
        }
    }
}

package import AsyncHTTPClient
package import Foundation
package import Logging

/// Stripe's PaymentIntents and Refunds over HTTPS (providers.md §1): form-encoded requests, JSON answers, errors
/// mapped to ``ProviderError``.
///
/// Every POST carries the caller's `Idempotency-Key`, persisted by the caller before the call, so a retry (this
/// client's own, or the caller's after a crash) can never charge twice. Connection errors, timeouts, HTTP 409 and 5xx
/// are retried a bounded number of times with exponential backoff and jitter, on the injected clock, always with
/// the same key; `Stripe-Should-Retry` overrides that choice when Stripe sends it. The secret key goes only into the
/// `Authorization` header: never into a description, a log line or an error.
///
/// ```swift
/// let stripe = StripeClient(httpClient: .shared, config: .defaults(secretKey: key))
/// let intent = try await stripe.createPaymentIntent(
///     amount: try StripeAmount(order.total),
///     captureMethod: .manual,
///     metadata: ["order_id": order.id],
///     idempotencyKey: "pay:\(order.id):1"
/// )
/// ```
package struct StripeClient: Sendable, CustomStringConvertible {
    let httpClient: HTTPClient
    let config: Config
    let logger: Logger
    /// Waits between attempts, on the injected clock.
    let sleep: @Sendable (Duration) async throws -> Void

    /// A client sending through `httpClient` (owned by the caller), waiting between retries on the continuous clock.
    package init(httpClient: HTTPClient, config: Config, logger: Logger = Logger(label: "souk.stripe")) {
        self.init(httpClient: httpClient, config: config, clock: ContinuousClock(), logger: logger)
    }

    /// A client waiting between retries on `clock`, so tests can drive the backoff without sleeping.
    package init<C: Clock>(
        httpClient: HTTPClient,
        config: Config,
        clock: C,
        logger: Logger = Logger(label: "souk.stripe")
    ) where C.Duration == Duration {
        self.httpClient = httpClient
        self.config = config
        self.logger = logger
        self.sleep = { try await clock.sleep(for: $0) }
    }

    /// The base URL only: the key stays out.
    package var description: String { "StripeClient(\(self.config.baseURL))" }

    /// Creates a PaymentIntent (`POST /v1/payment_intents`), confirming it in the same call when `confirm` is true.
    ///
    /// - Parameters:
    ///   - amount: what to charge, already in Stripe's units.
    ///   - captureMethod: `.automatic` takes the money at confirmation; `.manual` only authorizes it.
    ///   - paymentMethod: a `pm_…` to charge, if known on the server.
    ///   - confirm: confirm now (needs `paymentMethod`).
    ///   - returnURL: where a 3-D Secure or redirect step comes back to.
    ///   - metadata: Souk's ids, echoed back in webhooks.
    ///   - idempotencyKey: the caller's key for this attempt, reused on every retry.
    /// - Returns: the intent; with `confirm`, its status says whether it succeeded, awaits capture or needs action.
    /// - Throws: ``ProviderError`` (``ProviderError/Code/declined`` for a refused card), or `CancellationError`.
    package func createPaymentIntent(
        amount: StripeAmount,
        captureMethod: StripePaymentIntent.CaptureMethod = .automatic,
        paymentMethod: String? = nil,
        confirm: Bool = false,
        returnURL: String? = nil,
        metadata: [String: String] = [:],
        idempotencyKey: String
    ) async throws -> StripePaymentIntent {
        var form = StripeForm()
        form.append("amount", amount.amount)
        form.append("currency", amount.currency)
        form.append("capture_method", captureMethod.rawValue)
        if let paymentMethod { form.append("payment_method", paymentMethod) }
        if confirm { form.append("confirm", true) }
        if let returnURL { form.append("return_url", returnURL) }
        form.append("metadata", .map(metadata.mapValues { .text($0) }))
        return try await self.send(.post(form, idempotencyKey: idempotencyKey), "/v1/payment_intents")
    }

    /// Reads a PaymentIntent (`GET /v1/payment_intents/{id}`), as a webhook's handler and reconciliation do.
    ///
    /// - Throws: ``ProviderError`` (``ProviderError/Code/notFound`` for an unknown id), or `CancellationError`.
    package func retrievePaymentIntent(_ id: String) async throws -> StripePaymentIntent {
        try await self.send(.get(StripeForm()), "/v1/payment_intents/\(try Self.pathComponent(id, param: "id"))")
    }

    /// Confirms a PaymentIntent waiting for a payment method or a confirmation
    /// (`POST /v1/payment_intents/{id}/confirm`): as a create with `confirm` would have.
    ///
    /// - Parameters:
    ///   - id: the intent (`pi_…`).
    ///   - paymentMethod: a `pm_…` to charge; the one attached at creation when nil.
    ///   - returnURL: where a 3-D Secure or redirect step comes back to.
    ///   - idempotencyKey: the caller's key for this attempt, reused on every retry.
    /// - Returns: the intent; its status says whether it succeeded, awaits capture or needs action.
    /// - Throws: ``ProviderError`` (``ProviderError/Code/declined`` for a refused card,
    ///   ``ProviderError/Code/invalid`` for an intent in another status), or `CancellationError`.
    package func confirmPaymentIntent(
        _ id: String,
        paymentMethod: String? = nil,
        returnURL: String? = nil,
        idempotencyKey: String
    ) async throws -> StripePaymentIntent {
        var form = StripeForm()
        if let paymentMethod { form.append("payment_method", paymentMethod) }
        if let returnURL { form.append("return_url", returnURL) }
        return try await self.post(form, to: id, "confirm", idempotencyKey: idempotencyKey)
    }

    /// Captures an authorized PaymentIntent (`POST /v1/payment_intents/{id}/capture`), all of it or
    /// `amountToCapture` minor units (the rest is released).
    ///
    /// - Throws: ``ProviderError`` (``ProviderError/Code/invalid`` naming `amount_to_capture` above what is
    ///   capturable), or `CancellationError`.
    package func capture(
        paymentIntent id: String,
        amountToCapture: Int64? = nil,
        idempotencyKey: String
    ) async throws -> StripePaymentIntent {
        var form = StripeForm()
        if let amountToCapture { form.append("amount_to_capture", amountToCapture) }
        return try await self.post(form, to: id, "capture", idempotencyKey: idempotencyKey)
    }

    /// Cancels a PaymentIntent not yet captured (`POST /v1/payment_intents/{id}/cancel`), releasing what it held.
    ///
    /// - Parameter reason: `duplicate`, `fraudulent`, `requested_by_customer` or `abandoned`.
    /// - Throws: ``ProviderError``, or `CancellationError`.
    package func cancel(
        paymentIntent id: String,
        reason: String? = nil,
        idempotencyKey: String
    ) async throws -> StripePaymentIntent {
        var form = StripeForm()
        if let reason { form.append("cancellation_reason", reason) }
        return try await self.post(form, to: id, "cancel", idempotencyKey: idempotencyKey)
    }

    /// Gives money back (`POST /v1/refunds`): `amount` minor units, or all that remains when nil.
    ///
    /// - Parameter reason: `duplicate`, `fraudulent` or `requested_by_customer`.
    /// - Throws: ``ProviderError`` (``ProviderError/Code/invalid`` naming `amount` above what was captured and not
    ///   yet refunded), or `CancellationError`.
    package func createRefund(
        paymentIntent: String,
        amount: Int64? = nil,
        reason: String? = nil,
        metadata: [String: String] = [:],
        idempotencyKey: String
    ) async throws -> StripeRefund {
        var form = StripeForm()
        form.append("payment_intent", paymentIntent)
        if let amount { form.append("amount", amount) }
        if let reason { form.append("reason", reason) }
        form.append("metadata", .map(metadata.mapValues { .text($0) }))
        return try await self.send(.post(form, idempotencyKey: idempotencyKey), "/v1/refunds")
    }

    /// Reads a Refund (`GET /v1/refunds/{id}`): a refund answered `succeeded` may fail later.
    ///
    /// - Throws: ``ProviderError`` (``ProviderError/Code/notFound`` for an unknown id), or `CancellationError`.
    package func retrieveRefund(_ id: String) async throws -> StripeRefund {
        try await self.send(.get(StripeForm()), "/v1/refunds/\(try Self.pathComponent(id, param: "id"))")
    }

    /// One page of Refunds (`GET /v1/refunds`), newest first: all of them, or those of `paymentIntent`; pass the
    /// last id of a page as `startingAfter` for the next while ``StripeList/hasMore``.
    ///
    /// - Parameters:
    ///   - paymentIntent: only the refunds of this intent (`pi_…`).
    ///   - limit: 1 to 100 objects.
    /// - Throws: ``ProviderError`` (``ProviderError/Code/notFound`` for an unknown intent), or `CancellationError`.
    package func listRefunds(
        paymentIntent: String? = nil,
        limit: Int = 100,
        startingAfter: String? = nil
    ) async throws -> StripeList<StripeRefund> {
        var query = StripeForm()
        if let paymentIntent { query.append("payment_intent", paymentIntent) }
        query.append("limit", Int64(min(max(limit, 1), 100)))
        if let startingAfter { query.append("starting_after", startingAfter) }
        return try await self.send(.get(query), "/v1/refunds")
    }

    /// One page of PaymentIntents created in a period (`GET /v1/payment_intents`), newest first, for
    /// reconciliation; pass the last id of a page as `startingAfter` for the next while
    /// ``StripeList/hasMore``.
    ///
    /// - Parameters:
    ///   - createdFrom: the earliest creation time, inclusive (`created[gte]`).
    ///   - createdTo: the latest creation time, inclusive (`created[lte]`).
    ///   - limit: 1 to 100 objects.
    /// - Throws: ``ProviderError``, or `CancellationError`.
    package func listPaymentIntents(
        createdFrom: Date? = nil,
        createdTo: Date? = nil,
        limit: Int = 100,
        startingAfter: String? = nil
    ) async throws -> StripeList<StripePaymentIntent> {
        var query = StripeForm()
        var created: [String: StripeForm.Value] = [:]
        if let createdFrom { created["gte"] = .text(String(Int64(createdFrom.timeIntervalSince1970.rounded(.up)))) }
        if let createdTo { created["lte"] = .text(String(Int64(createdTo.timeIntervalSince1970.rounded(.down)))) }
        query.append("created", .map(created))
        query.append("limit", Int64(min(max(limit, 1), 100)))
        if let startingAfter { query.append("starting_after", startingAfter) }
        return try await self.send(.get(query), "/v1/payment_intents")
    }

    /// `POST /v1/payment_intents/{id}/{action}`.
    private func post(
        _ form: StripeForm,
        to id: String,
        _ action: String,
        idempotencyKey: String
    ) async throws -> StripePaymentIntent {
        let path = "/v1/payment_intents/\(try Self.pathComponent(id, param: "payment_intent"))/\(action)"
        return try await self.send(.post(form, idempotencyKey: idempotencyKey), path)
    }

    /// `text` when it can stand in a path as it is (Stripe's ids are letters, digits and `_`).
    private static func pathComponent(_ text: String, param: String) throws(ProviderError) -> String {
        guard !text.isEmpty, text.utf8.count <= 255,
            text.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
        else {
            throw ProviderError(.invalid, provider: "Stripe", message: "\(param): not a Stripe id", param: param)
        }
        return text
    }
}

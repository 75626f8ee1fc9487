package import AsyncHTTPClient
package import Foundation
package import Logging

/// YooKassa's API v3 over HTTPS (providers.md §2): payments, captures, cancellations, refunds and the payments list,
/// JSON both ways, errors mapped to ``ProviderError``.
///
/// Every POST carries the caller's `Idempotence-Key`, persisted by the caller before the call, so a retry (this
/// client's own, or the caller's after a crash) can never charge twice. A 202 "still processing" answer is repeated
/// after the `retry_after` YooKassa names, on the injected clock; 429, 5xx, connection errors and timeouts are
/// repeated a bounded number of times with exponential backoff and jitter; always with the same key. The shop's
/// secret key goes only into the `Authorization` header (HTTP Basic): never into a description, a log line or an
/// error.
///
/// YooKassa never answers a refused card with an error: the payment becomes `canceled` and its
/// ``YooKassaPayment/cancellationDetails`` say why.
///
/// ```swift
/// let yookassa = YooKassaClient(httpClient: .shared, config: .defaults(shopID: shop, secretKey: key))
/// let payment = try await yookassa.createPayment(
///     amount: try YooKassaAmount(order.total),
///     capture: false,
///     returnURL: "https://shop.example/return/\(order.id)",
///     metadata: ["order_id": order.id],
///     idempotencyKey: "pay:\(order.id):1"
/// )
/// // Send the buyer to payment.confirmationURL.
/// ```
package struct YooKassaClient: Sendable, CustomStringConvertible {
    let httpClient: HTTPClient
    let config: Config
    let logger: Logger
    /// Waits between attempts, on the injected clock.
    let sleep: @Sendable (Duration) async throws -> Void

    /// A client sending through `httpClient` (owned by the caller), waiting between retries on the continuous clock.
    package init(httpClient: HTTPClient, config: Config, logger: Logger = Logger(label: "souk.yookassa")) {
        self.init(httpClient: httpClient, config: config, clock: ContinuousClock(), logger: logger)
    }

    /// A client waiting between retries on `clock`, so tests can drive the waits without sleeping.
    package init<C: Clock>(
        httpClient: HTTPClient,
        config: Config,
        clock: C,
        logger: Logger = Logger(label: "souk.yookassa")
    ) where C.Duration == Duration {
        self.httpClient = httpClient
        self.config = config
        self.logger = logger
        self.sleep = { try await clock.sleep(for: $0) }
    }

    /// The base URL and the shop only: the key stays out.
    package var description: String { "YooKassaClient(\(self.config.baseURL), shop \(self.config.shopID))" }

    /// Creates a payment (`POST /v3/payments`) the buyer confirms on YooKassa's page.
    ///
    /// - Parameters:
    ///   - amount: what to charge.
    ///   - capture: `true` takes the money when the buyer pays (→ `succeeded`); `false` holds it
    ///     (→ `waiting_for_capture`) for ``capturePayment(_:amount:idempotencyKey:)``.
    ///   - returnURL: where YooKassa sends the buyer back to.
    ///   - description: what the buyer sees (≤ 128 characters).
    ///   - metadata: Souk's ids, echoed back in the payment and its notifications.
    ///   - idempotencyKey: the caller's key for this attempt, reused on every retry.
    /// - Returns: the `pending` payment; send the buyer to its ``YooKassaPayment/confirmationURL``.
    /// - Throws: ``ProviderError`` (``ProviderError/Code/invalid`` naming the field YooKassa refused), or
    ///   `CancellationError`.
    package func createPayment(
        amount: YooKassaAmount,
        capture: Bool,
        returnURL: String,
        description: String? = nil,
        metadata: [String: String] = [:],
        idempotencyKey: String
    ) async throws -> YooKassaPayment {
        let body = YooKassaCreatePayment(
            amount: amount,
            capture: capture,
            confirmation: .init(type: "redirect", returnURL: returnURL),
            description: description,
            metadata: metadata.isEmpty ? nil : metadata
        )
        return try await self.send(.post(try Self.json(body), idempotencyKey: idempotencyKey), "/v3/payments")
    }

    /// Reads a payment (`GET /v3/payments/{id}`), as a notification's handler and reconciliation do.
    ///
    /// - Throws: ``ProviderError`` (``ProviderError/Code/notFound`` for an unknown id), or `CancellationError`.
    package func getPayment(_ id: String) async throws -> YooKassaPayment {
        try await self.send(.get([]), "/v3/payments/\(try Self.pathComponent(id, param: "payment_id"))")
    }

    /// Takes the money of a `waiting_for_capture` payment (`POST /v3/payments/{id}/capture`): all of it, or
    /// `amount` (the rest is released).
    ///
    /// - Throws: ``ProviderError`` (``ProviderError/Code/invalid`` naming `amount.value` above what is held), or
    ///   `CancellationError`.
    package func capturePayment(
        _ id: String,
        amount: YooKassaAmount? = nil,
        idempotencyKey: String
    ) async throws -> YooKassaPayment {
        let path = "/v3/payments/\(try Self.pathComponent(id, param: "payment_id"))/capture"
        let body = try Self.json(YooKassaCapture(amount: amount))
        return try await self.send(.post(body, idempotencyKey: idempotencyKey), path)
    }

    /// Cancels a payment not yet captured (`POST /v3/payments/{id}/cancel`), releasing what it held.
    ///
    /// - Throws: ``ProviderError``, or `CancellationError`.
    package func cancelPayment(_ id: String, idempotencyKey: String) async throws -> YooKassaPayment {
        let path = "/v3/payments/\(try Self.pathComponent(id, param: "payment_id"))/cancel"
        return try await self.send(.post(Array("{}".utf8), idempotencyKey: idempotencyKey), path)
    }

    /// Gives money back (`POST /v3/refunds`).
    ///
    /// - Parameters:
    ///   - paymentID: a `succeeded` payment.
    ///   - amount: at most what was captured and not yet refunded.
    ///   - description: why, in the merchant's words.
    ///   - idempotencyKey: the caller's key for this refund, reused on every retry.
    /// - Throws: ``ProviderError`` (``ProviderError/Code/invalid`` naming `amount.value` above what remains), or
    ///   `CancellationError`.
    package func createRefund(
        paymentID: String,
        amount: YooKassaAmount,
        description: String? = nil,
        idempotencyKey: String
    ) async throws -> YooKassaRefund {
        let body = YooKassaCreateRefund(
            paymentID: try Self.pathComponent(paymentID, param: "payment_id"),
            amount: amount,
            description: description
        )
        return try await self.send(.post(try Self.json(body), idempotencyKey: idempotencyKey), "/v3/refunds")
    }

    /// Reads a refund (`GET /v3/refunds/{id}`).
    ///
    /// - Throws: ``ProviderError`` (``ProviderError/Code/notFound`` for an unknown id), or `CancellationError`.
    package func getRefund(_ id: String) async throws -> YooKassaRefund {
        try await self.send(.get([]), "/v3/refunds/\(try Self.pathComponent(id, param: "refund_id"))")
    }

    /// One page of payments created in a period (`GET /v3/payments`), newest first, for reconciliation; pass a
    /// page's ``YooKassaList/nextCursor`` as `cursor` for the next while it is not nil.
    ///
    /// - Parameters:
    ///   - createdFrom: the earliest creation time, inclusive (`created_at.gte`).
    ///   - createdTo: the latest creation time, inclusive (`created_at.lte`).
    ///   - limit: 1 to 100 payments.
    ///   - cursor: the previous page's ``YooKassaList/nextCursor``.
    /// - Throws: ``ProviderError``, or `CancellationError`.
    package func listPayments(
        createdFrom: Date? = nil,
        createdTo: Date? = nil,
        limit: Int = 100,
        cursor: String? = nil
    ) async throws -> YooKassaList<YooKassaPayment> {
        var query: [(String, String)] = []
        if let createdFrom { query.append(("created_at.gte", YooKassaJSON.string(createdFrom))) }
        if let createdTo { query.append(("created_at.lte", YooKassaJSON.string(createdTo))) }
        query.append(("limit", String(min(max(limit, 1), 100))))
        if let cursor { query.append(("cursor", cursor)) }
        return try await self.send(.get(query), "/v3/payments")
    }

    /// `value` as a JSON body.
    private static func json(_ value: some Encodable) throws(ProviderError) -> [UInt8] {
        do {
            return Array(try YooKassaJSON.encoder().encode(value))
        } catch {
            throw ProviderError(.invalid, provider: "YooKassa", message: "YooKassa: the request cannot be encoded")
        }
    }

    /// `text` when it can stand in a path as it is (YooKassa's ids are letters, digits, `-` and `_`).
    private static func pathComponent(_ text: String, param: String) throws(ProviderError) -> String {
        guard !text.isEmpty, text.utf8.count <= 64,
            text.allSatisfy({ $0 == "-" || $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
        else {
            throw ProviderError(.invalid, provider: "YooKassa", message: "\(param): not a YooKassa id", param: param)
        }
        return text
    }
}

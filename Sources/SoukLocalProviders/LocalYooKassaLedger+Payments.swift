import Foundation
import SoukPaymentProviders

extension LocalYooKassaLedger {
    /// The `cancellation_details.reason` values YooKassa documents (providers.md §2.4).
    static let declineReasons: Set<String> = [
        "3d_secure_failed", "call_issuer", "card_expired", "country_forbidden", "fraud_suspected", "general_decline",
        "identification_required", "insufficient_funds", "invalid_card_number", "invalid_csc", "issuer_unavailable",
        "payment_method_limit_exceeded", "payment_method_restricted", "permission_revoked", "internal_timeout",
        "canceled_by_merchant", "expired_on_confirmation", "expired_on_capture", "deal_expired",
        "unsupported_mobile_operator",
    ]

    /// `POST /v3/payments`: a `pending` payment with a redirect confirmation to `/confirm/{id}` on this server.
    mutating func createPayment(_ body: [UInt8], now: Date) throws(Refusal) -> LocalYooKassaReply {
        let request = try Self.decode(YooKassaCreatePayment.self, body)
        let amount = try Self.kopecks(request.amount, field: "amount")
        guard let confirmation = request.confirmation else {
            throw Self.invalid("confirmation", "Required parameter missing: this shop takes redirect confirmations")
        }
        guard confirmation.type == "redirect" else {
            throw Self.invalid(
                "confirmation.type",
                "Confirmation type '\(confirmation.type.prefix(32))' is not supported here: use redirect"
            )
        }
        guard let returnURL = confirmation.returnURL, !returnURL.isEmpty else {
            throw Self.invalid("confirmation.return_url", "Required parameter missing")
        }
        guard returnURL.count <= 2_048, URL(string: returnURL)?.scheme != nil else {
            throw Self.invalid("confirmation.return_url", "Not an absolute URL")
        }
        if let description = request.description, description.count > 128 {
            throw Self.invalid("description", "Description must be at most 128 characters")
        }
        if let metadata = request.metadata, metadata.count > 16 {
            throw Self.invalid("metadata", "Metadata must have at most 16 keys")
        }
        let record = PaymentRecord(
            id: self.nextID("000f"),
            status: .pending,
            amount: amount,
            capture: request.capture ?? false,
            description: request.description,
            metadata: request.metadata,
            returnURL: returnURL,
            createdAt: now
        )
        self.payments[record.id] = record
        self.paymentOrder.append(record.id)
        return Self.json(self.payment(record))
    }

    /// The buyer pays a `pending` payment (→ `succeeded` with `capture: true`, else `waiting_for_capture`), or the
    /// payment network declines it for `decline` (→ `canceled`, `cancellation_details {payment_network, reason}`).
    ///
    /// - Throws: ``ProviderError``: ``ProviderError/Code/notFound`` for an unknown id,
    ///   ``ProviderError/Code/conflict`` for a payment no longer `pending`, ``ProviderError/Code/invalid`` for a
    ///   reason YooKassa does not document.
    mutating func confirm(_ id: String, decline: String?, now: Date) throws(ProviderError) -> YooKassaPayment {
        let provider = "local YooKassa"
        guard var record = self.payments[id] else {
            throw ProviderError(.notFound, provider: provider, message: "No payment \(id.prefix(64))", param: "id")
        }
        guard record.status == .pending else {
            throw ProviderError(
                .conflict,
                provider: provider,
                message: "Payment \(id) is \(record.status), not pending: nothing to confirm"
            )
        }
        if let decline {
            guard Self.declineReasons.contains(decline) else {
                throw ProviderError(
                    .invalid,
                    provider: provider,
                    message: "'\(decline.prefix(40))' is not a cancellation reason YooKassa documents",
                    param: "decline"
                )
            }
            record.status = .canceled
            record.cancellation = .init(party: "payment_network", reason: decline)
        } else if record.capture {
            record.status = .succeeded
            record.capturedAt = now
        } else {
            record.status = .waitingForCapture
        }
        self.payments[id] = record
        let payment = self.payment(record)
        let event: YooKassaNotification.Event =
            switch record.status {
            case .succeeded: .paymentSucceeded
            case .waitingForCapture: .paymentWaitingForCapture
            default: .paymentCanceled
            }
        self.outbox.append(YooKassaNotification(event: event, object: .payment(payment)))
        return payment
    }

    /// `GET /confirm/{id}[?decline=<reason>]`: ``confirm(_:decline:now:)``, then 303 back to the `return_url`.
    mutating func confirmPage(_ id: String, decline: String?, now: Date) -> LocalYooKassaReply {
        do {
            _ = try self.confirm(id, decline: decline, now: now)
            return LocalYooKassaReply(status: 303, body: [], location: self.payments[id]?.returnURL)
        } catch {
            let status =
                switch error.code {
                case .notFound: 404
                case .conflict: 409
                default: 400
                }
            return LocalYooKassaReply(status: status, body: Array(error.message.utf8))
        }
    }

    /// `POST /v3/payments/{id}/capture`: all that is held, or `amount` of it (the payment's amount becomes what
    /// was taken).
    mutating func capture(_ id: String, _ body: [UInt8], now: Date) throws(Refusal) -> LocalYooKassaReply {
        var record = try self.record(id)
        let request = try Self.decode(YooKassaCapture.self, body)
        guard record.status == .waitingForCapture else {
            throw Self.invalid(
                nil,
                "Payment \(id) is \(record.status): only a payment waiting_for_capture can be captured"
            )
        }
        let amount = try request.amount.map { (amount) throws(Refusal) in try Self.kopecks(amount, field: "amount") }
        if let amount, amount > record.amount {
            throw Self.invalid(
                "amount.value",
                "The amount to capture (\(Self.rubles(amount).value)) exceeds the amount held "
                    + "(\(Self.rubles(record.amount).value))"
            )
        }
        record.amount = amount ?? record.amount
        record.status = .succeeded
        record.capturedAt = now
        self.payments[id] = record
        let payment = self.payment(record)
        self.outbox.append(YooKassaNotification(event: .paymentSucceeded, object: .payment(payment)))
        return Self.json(payment)
    }

    /// `POST /v3/payments/{id}/cancel`: a `pending` or `waiting_for_capture` payment, cancelled by the merchant.
    mutating func cancel(_ id: String) throws(Refusal) -> LocalYooKassaReply {
        var record = try self.record(id)
        guard record.status == .pending || record.status == .waitingForCapture else {
            throw Self.invalid(
                nil,
                "Payment \(id) is \(record.status): only a pending or waiting_for_capture payment can be canceled"
            )
        }
        record.status = .canceled
        record.cancellation = .init(party: "merchant", reason: "canceled_by_merchant")
        self.payments[id] = record
        let payment = self.payment(record)
        self.outbox.append(YooKassaNotification(event: .paymentCanceled, object: .payment(payment)))
        return Self.json(payment)
    }

    /// `GET /v3/payments`: newest first, `created_at.gte`/`created_at.lte`, `limit` (1–100, default 10), `cursor`
    /// (a page's `next_cursor`).
    func listPayments(_ query: [String: String]) throws(Refusal) -> LocalYooKassaReply {
        let from = try Self.time(query, "created_at.gte") ?? .distantPast
        let to = try Self.time(query, "created_at.lte") ?? .distantFuture
        let limit: Int
        if let text = query["limit"] {
            guard let value = Int(text), (1...100).contains(value) else {
                throw Self.invalid("limit", "limit must be an integer from 1 to 100")
            }
            limit = value
        } else {
            limit = 10
        }
        var matching = self.paymentOrder.reversed().compactMap { self.payments[$0] }
            .filter { $0.createdAt >= from && $0.createdAt <= to }
        if let cursor = query["cursor"] {
            guard let index = matching.firstIndex(where: { $0.id == cursor }) else {
                throw Self.invalid("cursor", "Invalid cursor")
            }
            matching = Array(matching[(index + 1)...])
        }
        let page = matching.prefix(limit).map { self.payment($0) }
        let next = matching.count > page.count ? page.last?.id : nil
        return Self.json(YooKassaList(items: page, nextCursor: next))
    }

    /// An ISO 8601 time from the query, nil when absent, a 400 naming it when unreadable.
    private static func time(_ query: [String: String], _ name: String) throws(Refusal) -> Date? {
        guard let text = query[name] else { return nil }
        guard let date = YooKassaJSON.date(text) else {
            throw Self.invalid(name, "Invalid time '\(text.prefix(40))': ISO 8601 such as 2026-01-01T00:00:00.000Z")
        }
        return date
    }
}

/// The body of `POST /v3/payments`, the fields Souk sends (providers.md §2.3).
///
/// Codable both ways: the client encodes it, the local contract server decodes it.
package struct YooKassaCreatePayment: Sendable, Hashable, Codable {
    /// What to charge.
    package var amount: YooKassaAmount
    /// `true` takes the money when the buyer pays; `false` (YooKassa's default) holds it for a capture.
    package var capture: Bool?
    /// How the buyer confirms: `redirect` with a `return_url`.
    package var confirmation: YooKassaPayment.Confirmation?
    /// What the buyer sees (≤ 128 characters).
    package var description: String?
    /// Souk's ids, echoed back in the payment and its notifications.
    package var metadata: [String: String]?

    /// A body with these fields.
    package init(
        amount: YooKassaAmount,
        capture: Bool?,
        confirmation: YooKassaPayment.Confirmation?,
        description: String? = nil,
        metadata: [String: String]? = nil
    ) {
        self.amount = amount
        self.capture = capture
        self.confirmation = confirmation
        self.description = description
        self.metadata = metadata
    }
}

/// The body of `POST /v3/payments/{id}/capture`: the amount to take, all that is held when nil.
package struct YooKassaCapture: Sendable, Hashable, Codable {
    /// At most the amount held; the rest is released.
    package var amount: YooKassaAmount?

    /// A capture of `amount`.
    package init(amount: YooKassaAmount?) { self.amount = amount }
}

/// The body of `POST /v3/refunds`.
package struct YooKassaCreateRefund: Sendable, Hashable, Codable {
    /// The payment to refund.
    package var paymentID: String
    /// How much to give back: at most what was captured and not yet refunded.
    package var amount: YooKassaAmount
    /// Why, in the merchant's words.
    package var description: String?

    /// A body with these fields.
    package init(paymentID: String, amount: YooKassaAmount, description: String? = nil) {
        self.paymentID = paymentID
        self.amount = amount
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case amount, description
        case paymentID = "payment_id"
    }
}

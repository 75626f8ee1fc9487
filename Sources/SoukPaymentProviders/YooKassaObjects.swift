package import Foundation

/// A YooKassa payment, the fields Souk maps (providers.md §2.3).
///
/// Codable both ways: the client decodes it from YooKassa, the local contract server encodes it. Its times are
/// ISO 8601 strings on the wire; decode and encode it with ``YooKassaJSON``.
package struct YooKassaPayment: Sendable, Hashable, Codable {
    /// A payment's status (providers.md §2.4); a status YooKassa adds later decodes as itself.
    ///
    /// `pending` → `waiting_for_capture` (only with `capture: false`) → `succeeded`; any status not final →
    /// `canceled`.
    package struct Status: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        package var rawValue: String
        /// A status as YooKassa spells it.
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { self.rawValue }

        /// Created: the buyer has not paid yet (→ `waiting_for_capture`, `succeeded` or `canceled`).
        package static let pending = Self(rawValue: "pending")
        /// Paid and held, for a payment created with `capture: false` (→ `succeeded` or `canceled`).
        package static let waitingForCapture = Self(rawValue: "waiting_for_capture")
        /// The money is taken: terminal (refunds do not change it).
        package static let succeeded = Self(rawValue: "succeeded")
        /// Declined, expired or cancelled: terminal; ``YooKassaPayment/cancellationDetails`` says why.
        package static let canceled = Self(rawValue: "canceled")
    }

    /// How the buyer confirms the payment; Souk asks for the `redirect` kind only.
    package struct Confirmation: Sendable, Hashable, Codable {
        /// `redirect`, `embedded`, `external`, `qr`, `mobile_application`.
        package var type: String
        /// The page to send the buyer to (a `redirect` confirmation of a `pending` payment).
        package var confirmationURL: String?
        /// Where YooKassa sends the buyer back to.
        package var returnURL: String?

        /// A confirmation of `type`.
        package init(type: String, confirmationURL: String? = nil, returnURL: String? = nil) {
            self.type = type
            self.confirmationURL = confirmationURL
            self.returnURL = returnURL
        }

        enum CodingKeys: String, CodingKey {
            case type
            case confirmationURL = "confirmation_url"
            case returnURL = "return_url"
        }
    }

    /// Who cancelled a payment and why.
    package struct CancellationDetails: Sendable, Hashable, Codable {
        /// `merchant`, `yoo_money` or `payment_network` (the issuer, the card network).
        package var party: String
        /// `insufficient_funds`, `3d_secure_failed`, `canceled_by_merchant`, `expired_on_capture`, … (providers.md
        /// §2.4).
        package var reason: String

        /// Cancelled by `party` for `reason`.
        package init(party: String, reason: String) {
            self.party = party
            self.reason = reason
        }
    }

    /// YooKassa's id (a UUID-like string).
    package var id: String
    /// Where the payment stands.
    package var status: Status
    /// Whether the buyer has paid (true for `waiting_for_capture` and `succeeded`).
    package var paid: Bool
    /// The amount asked, or the amount captured once a partial capture took less.
    package var amount: YooKassaAmount
    /// What the buyer sees (≤ 128 characters).
    package var description: String?
    /// The buyer's next step, while ``status`` is ``Status/pending``.
    package var confirmation: Confirmation?
    /// How much was given back, when a refund succeeded.
    package var refundedAmount: YooKassaAmount?
    /// Souk's ids, echoed back by YooKassa.
    package var metadata: [String: String]?
    /// When it was created.
    package var createdAt: Date
    /// When the money was taken, once ``status`` is ``Status/succeeded``.
    package var capturedAt: Date?
    /// Why it was cancelled, once ``status`` is ``Status/canceled``.
    package var cancellationDetails: CancellationDetails?
    /// Whether it is a test-shop payment.
    package var test: Bool

    /// The page to send the buyer to, if YooKassa asks for a redirect.
    package var confirmationURL: String? { self.confirmation?.confirmationURL }

    /// A payment with these fields (the local server builds them; the client decodes them).
    package init(
        id: String,
        status: Status,
        paid: Bool,
        amount: YooKassaAmount,
        description: String? = nil,
        confirmation: Confirmation? = nil,
        refundedAmount: YooKassaAmount? = nil,
        metadata: [String: String]? = nil,
        createdAt: Date,
        capturedAt: Date? = nil,
        cancellationDetails: CancellationDetails? = nil,
        test: Bool
    ) {
        self.id = id
        self.status = status
        self.paid = paid
        self.amount = amount
        self.description = description
        self.confirmation = confirmation
        self.refundedAmount = refundedAmount
        self.metadata = metadata
        self.createdAt = createdAt
        self.capturedAt = capturedAt
        self.cancellationDetails = cancellationDetails
        self.test = test
    }

    enum CodingKeys: String, CodingKey {
        case id, status, paid, amount, description, confirmation, metadata, test
        case refundedAmount = "refunded_amount"
        case createdAt = "created_at"
        case capturedAt = "captured_at"
        case cancellationDetails = "cancellation_details"
    }
}

/// A YooKassa refund (providers.md §2.2, §2.4).
package struct YooKassaRefund: Sendable, Hashable, Codable {
    /// A refund's status; a status YooKassa adds later decodes as itself.
    package struct Status: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        package var rawValue: String
        /// A status as YooKassa spells it.
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { self.rawValue }

        /// Under way (→ `succeeded` or `canceled`).
        package static let pending = Self(rawValue: "pending")
        /// The money went back: terminal.
        package static let succeeded = Self(rawValue: "succeeded")
        /// Refused: terminal.
        package static let canceled = Self(rawValue: "canceled")
    }

    /// YooKassa's id.
    package var id: String
    /// The payment refunded.
    package var paymentID: String
    /// Where the refund stands.
    package var status: Status
    /// How much goes back.
    package var amount: YooKassaAmount
    /// Why, in the merchant's words.
    package var description: String?
    /// When it was created.
    package var createdAt: Date

    /// A refund with these fields.
    package init(
        id: String,
        paymentID: String,
        status: Status,
        amount: YooKassaAmount,
        description: String? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.paymentID = paymentID
        self.status = status
        self.amount = amount
        self.description = description
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, status, amount, description
        case paymentID = "payment_id"
        case createdAt = "created_at"
    }
}

/// One page of a YooKassa list (`GET /v3/payments`), newest first.
package struct YooKassaList<Item: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    /// Always `list`.
    package var type: String = "list"
    /// The page's objects.
    package var items: [Item]
    /// The cursor of the next page; nil on the last one.
    package var nextCursor: String?

    /// A page of `items`, followed by the page at `nextCursor` if there is one.
    package init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case type, items
        case nextCursor = "next_cursor"
    }
}

/// The body of a YooKassa error answer, and of a 202 "still processing" one (providers.md §2.6).
package struct YooKassaErrorBody: Sendable, Hashable, Codable {
    /// `error` (or `processing` for a 202).
    package var type: String
    /// YooKassa's id of the error, for its support.
    package var id: String?
    /// `invalid_request`, `invalid_credentials`, `forbidden`, `not_found`, `too_many_requests`,
    /// `internal_server_error`, … (the exact strings are unverified).
    package var code: String?
    /// YooKassa's human-readable description.
    package var description: String?
    /// The request field at fault, dotted (`amount.value`), or a header (`Idempotence-Key`).
    package var parameter: String?
    /// How long to wait before repeating the request, in milliseconds.
    package var retryAfter: Int?

    /// An error body with these fields.
    package init(
        type: String = "error",
        id: String? = nil,
        code: String?,
        description: String?,
        parameter: String? = nil,
        retryAfter: Int? = nil
    ) {
        self.type = type
        self.id = id
        self.code = code
        self.description = description
        self.parameter = parameter
        self.retryAfter = retryAfter
    }

    enum CodingKeys: String, CodingKey {
        case type, id, code, description, parameter
        case retryAfter = "retry_after"
    }
}

/// A Stripe PaymentIntent, the fields Souk maps (providers.md §1.5).
///
/// Codable both ways: the client decodes it from Stripe, the local contract server encodes it.
package struct StripePaymentIntent: Sendable, Hashable, Codable {
    /// A PaymentIntent's status (providers.md §1.6); a status Stripe adds later decodes as itself.
    package struct Status: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        package var rawValue: String
        /// A status as Stripe spells it.
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { self.rawValue }

        /// Created, or a payment attempt failed: waiting for a payment method.
        package static let requiresPaymentMethod = Self(rawValue: "requires_payment_method")
        /// A method is attached; waiting for confirmation.
        package static let requiresConfirmation = Self(rawValue: "requires_confirmation")
        /// The customer must act (3-D Secure, a redirect): see ``StripePaymentIntent/redirectURL``.
        package static let requiresAction = Self(rawValue: "requires_action")
        /// The result is on its way.
        package static let processing = Self(rawValue: "processing")
        /// Authorized; ``StripePaymentIntent/amountCapturable`` waits for a capture.
        package static let requiresCapture = Self(rawValue: "requires_capture")
        /// Captured: terminal.
        package static let succeeded = Self(rawValue: "succeeded")
        /// Cancelled: terminal.
        package static let canceled = Self(rawValue: "canceled")
    }

    /// When the money is taken: `automatic` (at confirmation) or `manual` (authorize, capture later).
    package struct CaptureMethod: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        package var rawValue: String
        /// A capture method as Stripe spells it.
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { self.rawValue }

        /// Captured when confirmed.
        package static let automatic = Self(rawValue: "automatic")
        /// Captured asynchronously by Stripe after confirmation.
        package static let automaticAsync = Self(rawValue: "automatic_async")
        /// Authorized at confirmation; captured by a later capture call.
        package static let manual = Self(rawValue: "manual")
    }

    /// What the customer must do next (`next_action`); Souk reads the redirect kind only.
    package struct NextAction: Sendable, Hashable, Codable {
        /// Where to send the customer, and where they come back to.
        package struct RedirectToURL: Sendable, Hashable, Codable {
            /// The page that finishes the action (3-D Secure).
            package var url: String
            /// The `return_url` given at confirmation.
            package var returnURL: String?

            /// A redirect to `url`, coming back to `returnURL`.
            package init(url: String, returnURL: String?) {
                self.url = url
                self.returnURL = returnURL
            }

            enum CodingKeys: String, CodingKey {
                case url
                case returnURL = "return_url"
            }
        }

        /// `redirect_to_url`, `use_stripe_sdk`, …
        package var type: String
        /// Present when ``type`` is `redirect_to_url`.
        package var redirectToURL: RedirectToURL?

        /// A next action of `type`.
        package init(type: String, redirectToURL: RedirectToURL?) {
            self.type = type
            self.redirectToURL = redirectToURL
        }

        enum CodingKeys: String, CodingKey {
            case type
            case redirectToURL = "redirect_to_url"
        }
    }

    /// `pi_…`.
    package var id: String
    /// Always `payment_intent`.
    package var object: String = "payment_intent"
    /// Minor units asked (see ``StripeAmount``).
    package var amount: Int64
    /// Minor units authorized and not yet captured.
    package var amountCapturable: Int64
    /// Minor units taken.
    package var amountReceived: Int64
    /// Lower-case ISO 4217 code.
    package var currency: String
    /// Where the intent stands.
    package var status: Status
    /// For the customer's browser only: never log it.
    package var clientSecret: String?
    /// When the money is taken.
    package var captureMethod: CaptureMethod
    /// The customer's next step, when ``status`` is ``Status/requiresAction``.
    package var nextAction: NextAction?
    /// Why the last attempt failed (a decline), if it did.
    package var lastPaymentError: StripeErrorObject?
    /// Souk's ids, echoed back by Stripe.
    package var metadata: [String: String]
    /// Unix seconds.
    package var created: Int64
    /// Why it was cancelled: `duplicate`, `fraudulent`, `requested_by_customer`, `abandoned`, `automatic`, ….
    package var cancellationReason: String?

    /// The page to send the customer to for 3-D Secure or another redirect, if Stripe asks for one.
    package var redirectURL: String? { self.nextAction?.redirectToURL?.url }

    /// An intent with these fields (the local server builds them; the client decodes them).
    package init(
        id: String,
        amount: Int64,
        amountCapturable: Int64 = 0,
        amountReceived: Int64 = 0,
        currency: String,
        status: Status,
        clientSecret: String?,
        captureMethod: CaptureMethod,
        nextAction: NextAction? = nil,
        lastPaymentError: StripeErrorObject? = nil,
        metadata: [String: String] = [:],
        created: Int64,
        cancellationReason: String? = nil
    ) {
        self.id = id
        self.amount = amount
        self.amountCapturable = amountCapturable
        self.amountReceived = amountReceived
        self.currency = currency
        self.status = status
        self.clientSecret = clientSecret
        self.captureMethod = captureMethod
        self.nextAction = nextAction
        self.lastPaymentError = lastPaymentError
        self.metadata = metadata
        self.created = created
        self.cancellationReason = cancellationReason
    }

    enum CodingKeys: String, CodingKey {
        case id, object, amount, currency, status, metadata, created
        case amountCapturable = "amount_capturable"
        case amountReceived = "amount_received"
        case clientSecret = "client_secret"
        case captureMethod = "capture_method"
        case nextAction = "next_action"
        case lastPaymentError = "last_payment_error"
        case cancellationReason = "cancellation_reason"
    }
}

/// A Stripe Refund (providers.md §1.7).
package struct StripeRefund: Sendable, Hashable, Codable {
    /// `re_…`.
    package var id: String
    /// Always `refund`.
    package var object: String = "refund"
    /// Minor units given back.
    package var amount: Int64
    /// Lower-case ISO 4217 code.
    package var currency: String
    /// `pending`, `requires_action`, `succeeded`, `failed` or `canceled`.
    package var status: String
    /// The PaymentIntent refunded (`pi_…`).
    package var paymentIntent: String?
    /// `duplicate`, `fraudulent`, `requested_by_customer` or `expired_uncaptured_charge`.
    package var reason: String?
    /// Why a failed refund failed (`declined`, `expired_or_canceled_card`, …).
    package var failureReason: String?
    /// Souk's ids, echoed back by Stripe.
    package var metadata: [String: String]?

    /// A refund with these fields.
    package init(
        id: String,
        amount: Int64,
        currency: String,
        status: String,
        paymentIntent: String?,
        reason: String?,
        failureReason: String? = nil,
        metadata: [String: String]? = nil
    ) {
        self.id = id
        self.amount = amount
        self.currency = currency
        self.status = status
        self.paymentIntent = paymentIntent
        self.reason = reason
        self.failureReason = failureReason
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case id, object, amount, currency, status, reason, metadata
        case paymentIntent = "payment_intent"
        case failureReason = "failure_reason"
    }
}

/// Stripe's error object, the `error` of a 4xx or 5xx body and a PaymentIntent's `last_payment_error`
/// (providers.md §1.10).
package struct StripeErrorObject: Sendable, Hashable, Codable {
    /// The PaymentIntent an error is about, by id (Stripe sends the whole object; Souk reads its id).
    package struct IntentReference: Sendable, Hashable, Codable {
        /// `pi_…`.
        package var id: String

        /// A reference to the intent `id`.
        package init(id: String) { self.id = id }
    }

    /// `api_error`, `card_error`, `idempotency_error`, `invalid_request_error`, `authentication_error`,
    /// `rate_limit_error`, …
    package var type: String
    /// A short code (`card_declined`, `parameter_missing`, `resource_missing`, …).
    package var code: String?
    /// Stripe's human-readable message.
    package var message: String?
    /// The request field at fault (`amount`).
    package var param: String?
    /// The issuer's reason for a card decline (`generic_decline`, `insufficient_funds`, …).
    package var declineCode: String?
    /// The PaymentIntent a card error is about.
    package var paymentIntent: IntentReference?

    /// An error object with these fields.
    package init(
        type: String,
        code: String? = nil,
        message: String?,
        param: String? = nil,
        declineCode: String? = nil,
        paymentIntent: IntentReference? = nil
    ) {
        self.type = type
        self.code = code
        self.message = message
        self.param = param
        self.declineCode = declineCode
        self.paymentIntent = paymentIntent
    }

    enum CodingKeys: String, CodingKey {
        case type, code, message, param
        case declineCode = "decline_code"
        case paymentIntent = "payment_intent"
    }
}

/// The body of a Stripe error response: `{"error": {...}}`.
package struct StripeErrorBody: Sendable, Hashable, Codable {
    /// What went wrong.
    package var error: StripeErrorObject

    /// The body for `error`.
    package init(error: StripeErrorObject) { self.error = error }
}

/// One page of a Stripe list (`GET /v1/payment_intents`), newest first.
package struct StripeList<Item: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    /// Always `list`.
    package var object: String = "list"
    /// The page's objects.
    package var data: [Item]
    /// Whether a page follows (ask again with `starting_after` = the last id).
    package var hasMore: Bool
    /// The list's path.
    package var url: String

    /// A page of `data` from the list at `url`.
    package init(data: [Item], hasMore: Bool, url: String) {
        self.data = data
        self.hasMore = hasMore
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case object, data, url
        case hasMore = "has_more"
    }
}

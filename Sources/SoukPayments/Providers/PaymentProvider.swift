package import Foundation
package import SoukMoney

/// One payment provider as the payments domain uses it, whatever its wire: Stripe and YooKassa each adapt their
/// client to this, so the service has one path for both.
///
/// Every call that moves money takes an idempotency key the service stored before calling, so a retry after a
/// timeout or a crash reuses it and the provider does the thing once.
package protocol PaymentProvider: Sendable {
    /// `stripe` or `yookassa`: stored with each payment and named in errors.
    var name: String { get }
    /// Whether the provider takes payments in `currency`.
    func accepts(_ currency: Currency) -> Bool
    /// Starts a payment at the provider.
    func create(_ request: ProviderPaymentRequest) async throws -> ProviderPayment
    /// The payment as the provider has it now.
    func retrieve(reference: String) async throws -> ProviderPayment
    /// Takes `amount` minor units of an authorized payment (all of it when nil).
    func capture(reference: String, amount: Int64?, idempotencyKey: String) async throws -> ProviderPayment
    /// Releases an authorized or unconfirmed payment.
    func cancel(reference: String, reason: String, idempotencyKey: String) async throws -> ProviderPayment
    /// Gives `amount` minor units back; `refundID` is Souk's, sent along where the provider keeps metadata, so the
    /// refund's webhook finds it even before Souk has heard the answer.
    func refund(
        reference: String,
        amount: Int64,
        reason: String,
        refundID: String,
        idempotencyKey: String
    ) async throws
        -> ProviderRefund
    /// Every payment created in `[from, before)`, for reconciliation.
    func payments(createdFrom from: Date, before: Date) async throws -> [ProviderPayment]
    /// A webhook's payment, once it is known to come from the provider: Stripe's signature checked, or
    /// YooKassa's notification re-read from the API.
    func webhook(body: [UInt8], signature: String, sourceAddress: String) async throws -> ProviderWebhook
}

/// What to start a payment with.
package struct ProviderPaymentRequest: Sendable, Hashable {
    /// The order's total, from the order.
    package var amount: Money
    /// Authorize only; staff capture later.
    package var manualCapture: Bool
    /// Where a redirect step comes back to.
    package var returnURL: String
    /// A payment method to confirm with at once (Stripe test mode: `pm_card_visa`), if the client gave one.
    package var paymentMethod: String?
    /// Shown on the customer's statement or the provider's page.
    package var description: String
    /// Souk's ids, echoed back in webhooks (`payment_id`, `order_id`).
    package var metadata: [String: String]
    /// Stored before the call; reused by every retry.
    package var idempotencyKey: String

    package init(
        amount: Money,
        manualCapture: Bool,
        returnURL: String,
        paymentMethod: String?,
        description: String,
        metadata: [String: String],
        idempotencyKey: String
    ) {
        self.amount = amount
        self.manualCapture = manualCapture
        self.returnURL = returnURL
        self.paymentMethod = paymentMethod
        self.description = description
        self.metadata = metadata
        self.idempotencyKey = idempotencyKey
    }
}

/// A payment as a provider reports it, in the payment model's terms.
package struct ProviderPayment: Sendable, Hashable {
    /// The provider's id (`pi_…`, a YooKassa payment id).
    package var reference: String
    /// Minor units asked, and the upper-case ISO 4217 code.
    package var amount: Int64
    package var currency: String
    /// What the provider's status says happened, in order (``PaymentState`` applies them; older ones are stale).
    package var facts: [PaymentFact]
    /// The provider's own word for the status (`requires_capture`, `waiting_for_capture`), for people.
    package var providerStatus: String
    /// Stripe's client secret for Stripe.js; never stored.
    package var clientSecret: String?
    /// Where the customer must go next, if anywhere.
    package var confirmationURL: String?
    /// Why it failed or was cancelled.
    package var failureReason: String?
    /// Souk's ids as sent at creation.
    package var metadata: [String: String]
    package var createdAt: Date

    package init(
        reference: String,
        amount: Int64,
        currency: String,
        facts: [PaymentFact],
        providerStatus: String,
        clientSecret: String? = nil,
        confirmationURL: String? = nil,
        failureReason: String? = nil,
        metadata: [String: String] = [:],
        createdAt: Date
    ) {
        self.reference = reference
        self.amount = amount
        self.currency = currency
        self.facts = facts
        self.providerStatus = providerStatus
        self.clientSecret = clientSecret
        self.confirmationURL = confirmationURL
        self.failureReason = failureReason
        self.metadata = metadata
        self.createdAt = createdAt
    }
}

/// A refund as a provider reports it.
package struct ProviderRefund: Sendable, Hashable {
    package var reference: String
    /// The payment it belongs to.
    package var paymentReference: String
    package var amount: Int64
    /// `pending`, `succeeded`, `failed` or `cancelled`.
    package var status: String
    /// Souk's ids as sent (`refund_id`).
    package var metadata: [String: String]

    package init(reference: String, paymentReference: String, amount: Int64, status: String, metadata: [String: String])
    {
        self.reference = reference
        self.paymentReference = paymentReference
        self.amount = amount
        self.status = status
        self.metadata = metadata
    }
}

/// A webhook known to be the provider's: its event id and the objects it is about.
package struct ProviderWebhook: Sendable, Hashable {
    /// Unique per event at the provider: what duplicates are recognised by.
    package var eventID: String
    /// The payment after the event (for YooKassa, as re-read from the API).
    package var payment: ProviderPayment?
    /// The refund the event is about, if any.
    package var refund: ProviderRefund?

    package init(eventID: String, payment: ProviderPayment?, refund: ProviderRefund?) {
        self.eventID = eventID
        self.payment = payment
        self.refund = refund
    }
}

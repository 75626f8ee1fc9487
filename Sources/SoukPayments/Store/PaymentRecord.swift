import Foundation
import SoukMoney

/// A payment as stored: one attempt to take an order's total through a provider, its state, history and refunds.
struct PaymentRecord: Sendable {
    /// One move, and who or what made it.
    struct Change: Sendable {
        /// Nil for the change that created the payment.
        var from: PaymentStatus?
        var to: PaymentStatus
        /// An account id, `provider:<name>`, or `reconciliation`.
        var actor: String
        var at: Date
        var providerEventID: String
        var note: String
    }

    var id: UUID
    var order: UUID
    var customer: UUID
    /// The customer's key for this attempt: the same key gets the same payment.
    var idempotencyKey: String
    var currency: Currency
    var state: PaymentState
    var provider: String
    /// The provider's id; nil until the provider has answered the first call.
    var providerReference: String?
    var manualCapture: Bool
    var failureReason: String
    /// Where the customer must go next, if anywhere (not a secret; Stripe's client secret is never stored).
    var confirmationURL: String
    /// The order status this payment has brought the order to, as the orders service confirmed it; a later
    /// payment event that needs another status moves the order again (idempotently) until it is confirmed.
    var orderStatusSynced: String
    var history: [Change]
    var refunds: [RefundRecord]
    var createdAt: Date
    var updatedAt: Date

    var status: PaymentStatus { self.state.status }

    /// Money given back or on its way back: refunds not failed or cancelled.
    var refundCommitted: Int64 {
        self.refunds.filter(\.countsAsRefunded).reduce(0) { $0 + $1.amountMinor }
    }

    /// The provider's key for creating this payment; the same on every retry, across restarts.
    var createKey: String { "souk-payment-\(self.id.uuidString.lowercased())" }
}

/// Money given back on a payment.
struct RefundRecord: Sendable {
    var id: UUID
    var payment: UUID
    var amountMinor: Int64
    var reason: String
    /// `pending`, `succeeded`, `failed` or `cancelled`.
    var status: String
    var restock: Bool
    var providerReference: String?
    var actor: String
    var idempotencyKey: String
    var createdAt: Date

    /// Pending or succeeded: money that is given back.
    var countsAsRefunded: Bool { self.status == "pending" || self.status == "succeeded" }

    /// The provider's key for this refund.
    var providerKey: String { "souk-refund-\(self.id.uuidString.lowercased())" }
}

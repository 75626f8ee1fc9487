/// Something that happened to a payment, as a provider's answer or webhook, or a staff action, reports it.
package enum PaymentFact: Sendable, Hashable {
    /// The customer must act (3-D Secure, a redirect).
    case actionRequired
    /// The provider holds the amount.
    case authorized
    /// The provider took `amount` minor units.
    case captured(amount: Int64)
    /// The provider has given back `total` minor units so far, over all refunds of the payment.
    case refunded(total: Int64)
    /// The provider declined, or the customer gave up.
    case failed
    /// The shop cancelled before capture (at the provider).
    case cancelled
    /// The order's stock hold ran out first.
    case expired
}

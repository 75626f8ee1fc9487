/// Where one payment attempt on an order stands.
///
/// Three statuses end an attempt without money moving (``failed``, ``cancelled``, ``expired``); the rest are
/// ordered by how far the money has gone (``PaymentState`` never moves a payment back along that order).
package enum PaymentStatus: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Created at the provider; the customer has not confirmed yet.
    case created
    /// The customer must act: 3-D Secure, a bank redirect.
    case requiresAction = "requires_action"
    /// The provider holds the amount; capturing takes it.
    case authorized
    /// Taken from the customer.
    case captured
    /// Part of what was captured has been given back.
    case partiallyRefunded = "partially_refunded"
    /// Everything captured has been given back.
    case refunded
    /// Declined or abandoned; nothing was taken.
    case failed
    /// Cancelled by the shop before capture; nothing was taken.
    case cancelled
    /// Not completed before the order's stock hold ran out; nothing was taken.
    case expired

    /// How far the money has gone; nil for the statuses that end an attempt with nothing taken.
    var progress: Int? {
        switch self {
        case .created: 0
        case .requiresAction: 1
        case .authorized: 2
        case .captured: 3
        case .partiallyRefunded: 4
        case .refunded: 5
        case .failed, .cancelled, .expired: nil
        }
    }

    /// Whether money was taken (and so can only be given back, never cancelled).
    package var hasCaptured: Bool { (self.progress ?? 0) >= 3 }

    /// Whether nothing more can happen to the attempt but a refund.
    package var endedWithoutCapture: Bool { self.progress == nil }

    /// The wire spelling (`requires_action`).
    package var description: String { self.rawValue }
}

/// A payment's status and money, moved only forward by ``PaymentFact``s: the payment model's state machine.
///
/// Providers deliver webhooks at least once and in any order, and a retry may report what is already recorded, so
/// ``apply(_:)`` is idempotent and never moves a payment back: a fact older than the state is ``Outcome/stale``.
/// A capture is the exception that proves the rule: money the provider took is a fact even after Souk gave up on
/// the attempt (a cancel that raced a capture), so it is recorded and reported as ``Outcome/capturedAfterEnd``
/// for the domain to refund.
///
/// ```swift
/// var state = PaymentState(amount: 149_900)
/// try state.apply(.authorized)                // .moved
/// try state.apply(.captured(amount: 149_900)) // .moved
/// try state.apply(.authorized)                // .stale: a late webhook
/// try state.apply(.refunded(total: 49_900))   // .moved, status partially_refunded
/// ```
package struct PaymentState: Sendable, Hashable {
    /// Where the attempt stands.
    package private(set) var status: PaymentStatus
    /// The amount asked, in minor units of the order's currency (from the order, never from a request).
    package let amount: Int64
    /// Minor units taken.
    package private(set) var captured: Int64
    /// Minor units given back, over all refunds.
    package private(set) var refunded: Int64

    /// What applying a fact did.
    package enum Outcome: Sendable, Hashable {
        /// The state moved.
        case moved
        /// The fact is already recorded, or older than the state: nothing changed.
        case stale
        /// The provider took money on an attempt Souk had already ended: recorded; the money must go back.
        case capturedAfterEnd
    }

    /// A new attempt for `amount` minor units (positive).
    package init(amount: Int64) {
        precondition(amount > 0, "a payment is for a positive amount")
        self.init(status: .created, amount: amount, captured: 0, refunded: 0)
    }

    /// A stored attempt, as recorded.
    package init(status: PaymentStatus, amount: Int64, captured: Int64, refunded: Int64) {
        self.status = status
        self.amount = amount
        self.captured = captured
        self.refunded = refunded
    }

    /// What can still be refunded.
    package var refundable: Int64 { self.captured - self.refunded }

    /// Records `fact`.
    ///
    /// - Throws: ``PaymentTransitionError`` for a fact that cannot be true of this payment: a capture above the
    ///   amount asked, a refund above what was captured or of a payment nothing was taken from, a cancel after
    ///   capture. Nothing changes then.
    @discardableResult
    package mutating func apply(_ fact: PaymentFact) throws(PaymentTransitionError) -> Outcome {
        switch fact {
        case .actionRequired:
            return self.advance(to: .requiresAction)
        case .authorized:
            return self.advance(to: .authorized)
        case .captured(let amount):
            return try self.capture(amount)
        case .refunded(let total):
            return try self.refund(total: total)
        case .failed, .cancelled, .expired:
            let end: PaymentStatus = fact == .failed ? .failed : fact == .cancelled ? .cancelled : .expired
            if self.status.hasCaptured {
                guard fact == .cancelled else { return .stale }
                throw PaymentTransitionError(
                    "the payment was captured; give the money back with a refund instead of cancelling"
                )
            }
            guard !self.status.endedWithoutCapture else { return .stale }
            self.status = end
            return .moved
        }
    }

    /// Moves to a status before capture, unless the payment is already there, further along, or ended.
    private mutating func advance(to status: PaymentStatus) -> Outcome {
        guard let current = self.status.progress, let next = status.progress, next > current else { return .stale }
        self.status = status
        return .moved
    }

    private mutating func capture(_ amount: Int64) throws(PaymentTransitionError) -> Outcome {
        guard amount > 0, amount <= self.amount else {
            throw PaymentTransitionError("captured amount \(amount) is not within 1…\(self.amount), the amount asked")
        }
        if self.status.hasCaptured { return .stale }
        let endedFirst = self.status.endedWithoutCapture
        self.status = .captured
        self.captured = amount
        return endedFirst ? .capturedAfterEnd : .moved
    }

    private mutating func refund(total: Int64) throws(PaymentTransitionError) -> Outcome {
        guard self.status.hasCaptured else {
            throw PaymentTransitionError("nothing was captured, so nothing can be refunded (status \(self.status))")
        }
        guard total >= 0, total <= self.captured else {
            throw PaymentTransitionError("refunded total \(total) is above the \(self.captured) captured")
        }
        guard total > self.refunded else { return .stale }
        self.refunded = total
        self.status = total == self.captured ? .refunded : .partiallyRefunded
        return .moved
    }
}

/// A fact that cannot be true of a payment; the message says why.
package struct PaymentTransitionError: Error, Hashable, CustomStringConvertible {
    /// Why, safe to show staff.
    package let message: String

    init(_ message: String) {
        self.message = message
    }

    package var description: String { self.message }
}

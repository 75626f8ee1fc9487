import Foundation

extension PaymentRecord {
    /// What applying a provider's report did.
    struct Applied: Sendable {
        /// The provider took money on an attempt Souk had ended: it must go back.
        var capturedAfterEnd = false
    }

    /// Applies what the provider reported to the state, with a history entry for every move; stale facts change
    /// nothing, and a fact that cannot be true of the payment is refused.
    ///
    /// - Throws: ``PaymentsError`` (failed precondition) for an impossible fact; nothing changes then.
    @discardableResult
    mutating func apply(
        _ facts: [PaymentFact],
        actor: String,
        at: Date,
        providerEventID: String = "",
        note: String = ""
    ) throws -> Applied {
        var applied = Applied()
        var state = self.state
        var history = self.history
        for fact in facts {
            let from = state.status
            let outcome: PaymentState.Outcome
            do {
                outcome = try state.apply(fact)
            } catch {
                throw PaymentsError.failedPrecondition("payment \(self.id.uuidString.lowercased()): \(error.message)")
            }
            guard outcome != .stale else { continue }
            if outcome == .capturedAfterEnd { applied.capturedAfterEnd = true }
            history.append(
                Change(from: from, to: state.status, actor: actor, at: at, providerEventID: providerEventID, note: note)
            )
        }
        self.state = state
        self.history = history
        return applied
    }

    /// Takes in what the provider says of the payment: its reference, the next step's address, why it failed, and
    /// the facts its status implies.
    @discardableResult
    mutating func take(
        _ payment: ProviderPayment,
        actor: String,
        at: Date,
        providerEventID: String = "",
        note: String = ""
    ) throws -> Applied {
        if self.providerReference == nil { self.providerReference = payment.reference }
        if let url = payment.confirmationURL, !url.isEmpty { self.confirmationURL = url }
        if let reason = payment.failureReason, !reason.isEmpty, payment.facts.contains(where: \.endsAttempt) {
            self.failureReason = reason
        }
        return try self.apply(payment.facts, actor: actor, at: at, providerEventID: providerEventID, note: note)
    }

    /// Takes in a refund the provider reports: updates Souk's refund with that reference (or the id in its
    /// metadata), or records one made at the provider directly; then the refunded total.
    mutating func take(_ refund: ProviderRefund, actor: String, at: Date, providerEventID: String = "") throws {
        // By the provider's id; by Souk's id in its metadata; or, for a provider that keeps no metadata and a
        // webhook faster than the answer, the one refund of that amount still waiting for its provider id.
        let waiting = self.refunds.indices.filter {
            self.refunds[$0].providerReference == nil && self.refunds[$0].amountMinor == refund.amount
                && self.refunds[$0].status == "pending"
        }
        let index =
            self.refunds.firstIndex { $0.providerReference == refund.reference }
            ?? self.refunds.firstIndex { $0.id.uuidString.lowercased() == refund.metadata["refund_id"] }
            ?? (waiting.count == 1 ? waiting.first : nil)
        if let index {
            self.refunds[index].providerReference = refund.reference
            self.refunds[index].status = refund.status
        } else {
            self.refunds.append(
                RefundRecord(
                    id: UUID(),
                    payment: self.id,
                    amountMinor: refund.amount,
                    reason: "refunded at \(self.provider)",
                    status: refund.status,
                    restock: false,
                    providerReference: refund.reference,
                    actor: actor,
                    idempotencyKey: "provider:\(refund.reference)",
                    createdAt: at
                )
            )
        }
        try self.apply(
            [.refunded(total: self.refundCommitted)],
            actor: actor,
            at: at,
            providerEventID: providerEventID,
            note: "refund \(refund.reference) \(refund.status)"
        )
    }
}

extension PaymentFact {
    /// Whether the fact ends the attempt with nothing taken.
    var endsAttempt: Bool {
        switch self {
        case .failed, .cancelled, .expired: true
        default: false
        }
    }
}

import Foundation
package import GRPCCore
import Logging
package import SoukAPI
import SoukDomain
import SoukMoney
import SoukPaymentProviders
import SwiftProtobuf

extension PaymentService {
    package func capturePayment(
        request: Souk_Payments_V1_CapturePaymentRequest,
        context: ServerContext
    ) async throws -> Souk_Payments_V1_Payment {
        let (actor, _) = try Self.signedIn()
        let payment = try await self.visiblePayment(request.paymentID)
        guard payment.status == .authorized else {
            throw PaymentsError.failedPrecondition(
                "payment_id: payment \(Self.short(payment)) is \(payment.status); only an authorized payment is captured"
            )
        }
        guard (0...payment.state.amount).contains(request.amountMinorUnits) else {
            throw PaymentsError.invalidArgument(
                "amount_minor_units: at most the \(payment.state.amount) authorized (0 captures all of it)"
            )
        }
        let provider = try self.providers.named(payment.provider)
        let reported: ProviderPayment
        do {
            reported = try await provider.capture(
                reference: try Self.reference(payment),
                amount: request.amountMinorUnits == 0 ? nil : request.amountMinorUnits,
                idempotencyKey: "souk-capture-\(payment.id.uuidString.lowercased())"
            )
        } catch let error as ProviderError {
            throw PaymentsError.provider(error, doing: "capturing payment \(Self.short(payment))")
        }
        return try await self.record(
            reported,
            on: payment.id,
            actor: actor.uuidString.lowercased(),
            note: "captured by staff"
        ).message
    }

    package func cancelPayment(
        request: Souk_Payments_V1_CancelPaymentRequest,
        context: ServerContext
    ) async throws -> Souk_Payments_V1_Payment {
        let (actor, _) = try Self.signedIn()
        let reason = request.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(reason.count) else {
            throw PaymentsError.invalidArgument("reason: required, at most 500 characters")
        }
        let payment = try await self.visiblePayment(request.paymentID)
        if payment.status == .cancelled { return payment.message }
        guard [.created, .requiresAction, .authorized].contains(payment.status) else {
            throw PaymentsError.failedPrecondition(
                "payment_id: payment \(Self.short(payment)) is \(payment.status)"
                    + (payment.status.hasCaptured ? "; give the money back with a refund instead" : "")
            )
        }
        var reported: ProviderPayment?
        if let reference = payment.providerReference {
            do {
                reported = try await self.providers.named(payment.provider).cancel(
                    reference: reference,
                    reason: "requested_by_customer",
                    idempotencyKey: "souk-cancel-\(payment.id.uuidString.lowercased())"
                )
            } catch let error as ProviderError {
                // It may have completed meanwhile: record what the provider has before answering.
                _ = try? await self.refresh(payment, actor: "provider:\(payment.provider)", note: "cancel refused")
                throw PaymentsError.provider(error, doing: "cancelling payment \(Self.short(payment))")
            }
        }
        let actorID = actor.uuidString.lowercased()
        var applied = PaymentRecord.Applied()
        let (updated, _) = try await self.store.update(payment.id, providerEvent: nil, event: Self.payload) { record in
            if let reported {
                applied = try record.take(reported, actor: actorID, at: self.now, note: reason)
            }
            if !record.status.hasCaptured {
                try record.apply([.cancelled], actor: actorID, at: self.now, note: reason)
                record.failureReason = reason
            }
        }
        self.signal.pulse()
        if applied.capturedAfterEnd || updated.status.hasCaptured {
            throw PaymentsError.failedPrecondition(
                "payment_id: payment \(Self.short(updated)) was captured before the cancel reached \(payment.provider); give the money back with a refund instead"
            )
        }
        return updated.message
    }

    package func refundPayment(
        request: Souk_Payments_V1_RefundPaymentRequest,
        context: ServerContext
    ) async throws -> Souk_Payments_V1_Payment {
        let (actor, _) = try Self.signedIn()
        let reason = request.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(reason.count) else {
            throw PaymentsError.invalidArgument("reason: required, at most 500 characters")
        }
        guard (1...128).contains(request.idempotencyKey.count) else {
            throw PaymentsError.invalidArgument("idempotency_key: required, 1 to 128 characters")
        }
        guard request.amountMinorUnits >= 0 else {
            throw PaymentsError.invalidArgument("amount_minor_units: not negative (0 refunds all that is left)")
        }
        let payment = try await self.visiblePayment(request.paymentID)
        if let earlier = payment.refunds.first(where: { $0.idempotencyKey == request.idempotencyKey }) {
            guard earlier.amountMinor == request.amountMinorUnits || request.amountMinorUnits == 0 else {
                throw PaymentsError.failedPrecondition(
                    "idempotency_key: already used for a refund of \(earlier.amountMinor) on this payment"
                )
            }
        } else {
            guard payment.status.hasCaptured else {
                throw PaymentsError.failedPrecondition(
                    "payment_id: payment \(Self.short(payment)) is \(payment.status); nothing was taken to give back"
                )
            }
            let left = payment.state.captured - payment.refundCommitted
            guard left > 0 else {
                throw PaymentsError.failedPrecondition("payment_id: payment \(Self.short(payment)) is refunded in full")
            }
            guard request.amountMinorUnits <= left else {
                throw PaymentsError.invalidArgument(
                    "amount_minor_units: \(request.amountMinorUnits) is above the \(left) captured and not yet refunded"
                )
            }
            let amount = request.amountMinorUnits == 0 ? left : request.amountMinorUnits
            guard !request.restock || amount == left else {
                throw PaymentsError.invalidArgument(
                    "restock: only a refund of everything left (\(left)) returns the order's units to stock"
                )
            }
        }
        let amount =
            request.amountMinorUnits == 0
            ? payment.state.captured - payment.refundCommitted : request.amountMinorUnits
        return try await self.refund(
            payment,
            amount: amount,
            reason: reason,
            restock: request.restock,
            key: request.idempotencyKey,
            actor: actor.uuidString.lowercased(),
            followingOrder: true
        ).message
    }

    /// Gives `amount` back on `payment` under the caller's `key`: the refund is stored (pending) in the transaction
    /// that checks it fits what was captured, then sent with its own provider key, so a retry with `key` resends
    /// the same refund and never a second one.
    func refund(
        _ payment: PaymentRecord,
        amount: Int64,
        reason: String,
        restock: Bool,
        key: String,
        actor: String,
        followingOrder: Bool
    ) async throws -> PaymentRecord {
        var refund: RefundRecord?
        let (stored, _) = try await self.store.update(payment.id, providerEvent: nil, event: Self.payload) { record in
            if let earlier = record.refunds.first(where: { $0.idempotencyKey == key }) {
                refund = earlier
                return
            }
            let left = record.state.captured - record.refundCommitted
            guard amount > 0, amount <= left else {
                throw PaymentsError.invalidArgument(
                    "amount_minor_units: \(amount) is above the \(left) captured and not yet refunded"
                )
            }
            let new = RefundRecord(
                id: UUID(),
                payment: record.id,
                amountMinor: amount,
                reason: reason,
                status: "pending",
                restock: restock,
                providerReference: nil,
                actor: actor,
                idempotencyKey: key,
                createdAt: self.now
            )
            record.refunds.append(new)
            refund = new
        }
        guard let refund else { return stored }
        if refund.providerReference != nil || refund.status == "failed" { return stored }
        let reported: ProviderRefund
        do {
            reported = try await self.providers.named(payment.provider).refund(
                reference: try Self.reference(payment),
                amount: refund.amountMinor,
                reason: reason,
                refundID: refund.id.uuidString.lowercased(),
                idempotencyKey: refund.providerKey
            )
        } catch let error as ProviderError where error.code != .unavailable {
            _ = try await self.store.update(payment.id, providerEvent: nil, event: Self.payload) { record in
                if let index = record.refunds.firstIndex(where: { $0.id == refund.id }) {
                    record.refunds[index].status = "failed"
                }
            }
            self.signal.pulse()
            throw PaymentsError.provider(error, doing: "refunding payment \(Self.short(payment))")
        } catch let error as ProviderError {
            throw PaymentsError.provider(error, doing: "refunding payment \(Self.short(payment))")
        }
        var withMetadata = reported
        withMetadata.metadata["refund_id"] = refund.id.uuidString.lowercased()
        let (updated, _) = try await self.store.update(payment.id, providerEvent: nil, event: Self.payload) { record in
            try record.take(withMetadata, actor: actor, at: self.now)
        }
        self.signal.pulse()
        return followingOrder ? try await self.followOrder(updated) : updated
    }

    static func short(_ payment: PaymentRecord) -> String {
        String(payment.id.uuidString.prefix(8)).lowercased()
    }

    static func reference(_ payment: PaymentRecord) throws -> String {
        guard let reference = payment.providerReference else {
            throw PaymentsError.failedPrecondition(
                "payment_id: payment \(Self.short(payment)) never reached \(payment.provider); nothing to act on there"
            )
        }
        return reference
    }
}

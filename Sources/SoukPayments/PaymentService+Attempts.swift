import Foundation
import GRPCCore
import Logging
import SoukAPI
import SoukDomain
import SoukMoney
import SoukPaymentProviders
import SwiftProtobuf

extension PaymentService {
    /// Sends a stored payment to its provider, or re-reads it there when it was sent before (a retry with the same
    /// key, after a timeout or a crash): the provider's idempotency key is the payment's, so it is created once.
    func resume(
        _ payment: PaymentRecord,
        returnURL: String,
        paymentMethod: String?
    ) async throws -> Souk_Payments_V1_CreatePaymentResponse {
        let provider = try self.providers.named(payment.provider)
        let reported: ProviderPayment
        do {
            if let reference = payment.providerReference {
                reported = try await provider.retrieve(reference: reference)
            } else {
                reported = try await provider.create(
                    ProviderPaymentRequest(
                        amount: .init(minorUnits: payment.state.amount, currency: payment.currency),
                        manualCapture: payment.manualCapture,
                        returnURL: returnURL,
                        paymentMethod: paymentMethod,
                        description: "Souk order \(payment.order.uuidString.prefix(8).lowercased())",
                        metadata: [
                            "payment_id": payment.id.uuidString.lowercased(),
                            "order_id": payment.order.uuidString.lowercased(),
                        ],
                        idempotencyKey: payment.createKey
                    )
                )
            }
        } catch let error as ProviderError where error.code != .unavailable {
            // Refused for good (declined card, a currency or amount the provider will not take): this attempt ends.
            let failed = try await self.store.update(payment.id, providerEvent: nil, event: Self.payload) { record in
                record.failureReason = error.declineCode.map { "\($0): \(error.message)" } ?? error.message
                try record.apply([.failed], actor: "provider:\(payment.provider)", at: self.now, note: error.message)
            }.payment
            self.signal.pulse()
            if error.code == .declined {
                var response = Souk_Payments_V1_CreatePaymentResponse()
                response.payment = failed.message
                return response
            }
            throw PaymentsError.provider(error, doing: "starting the payment")
        } catch let error as ProviderError {
            throw PaymentsError.provider(error, doing: "starting the payment")
        }
        let updated = try await self.record(reported, on: payment.id, actor: "provider:\(payment.provider)")
        var response = Souk_Payments_V1_CreatePaymentResponse()
        response.payment = updated.message
        if !updated.status.hasCaptured, !updated.status.endedWithoutCapture {
            response.clientSecret = reported.clientSecret ?? ""
            response.confirmationURL =
                updated.status == .requiresAction || payment.provider == "yookassa"
                ? (reported.confirmationURL ?? updated.confirmationURL) : ""
        }
        return response
    }

    /// Re-reads a payment at its provider and records what it says (a late webhook, a customer back from a redirect,
    /// reconciliation).
    func refresh(_ payment: PaymentRecord, actor: String, note: String) async throws -> PaymentRecord {
        guard let reference = payment.providerReference else { return payment }
        let provider = try self.providers.named(payment.provider)
        let reported: ProviderPayment
        do {
            reported = try await provider.retrieve(reference: reference)
        } catch let error as ProviderError {
            throw PaymentsError.provider(
                error,
                doing: "re-reading payment \(payment.id.uuidString.prefix(8).lowercased())"
            )
        }
        return try await self.record(reported, on: payment.id, actor: actor, note: note)
    }

    /// Records a provider's report on a payment, then lets the order follow; money the provider took on an attempt
    /// Souk had ended goes back at once.
    func record(
        _ reported: ProviderPayment,
        on id: UUID,
        actor: String,
        providerEventID: String = "",
        note: String = ""
    ) async throws -> PaymentRecord {
        var applied = PaymentRecord.Applied()
        let (payment, _) = try await self.store.update(id, providerEvent: nil, event: Self.payload) { record in
            applied = try record.take(
                reported,
                actor: actor,
                at: self.now,
                providerEventID: providerEventID,
                note: note
            )
        }
        self.signal.pulse()
        if applied.capturedAfterEnd {
            return try await self.giveBack(payment, reason: "captured after the attempt had ended")
        }
        return try await self.followOrder(payment)
    }

    /// Before a new attempt on an order: an earlier one that has taken or holds the money stops it; one still
    /// waiting for the customer is cancelled at the provider, so it cannot complete as well and charge twice.
    func settleEarlierAttempts(order: Souk_Catalog_V1_Order) async throws {
        let orderID = try Self.uuid(order.id, field: "order_id")
        let earlier = try await self.store.payments(
            order: orderID,
            statuses: [.created, .requiresAction, .authorized, .captured, .partiallyRefunded],
            before: nil,
            limit: 20
        )
        for (_, payment) in earlier {
            if payment.status == .authorized || payment.status.hasCaptured {
                throw PaymentsError.failedPrecondition(
                    "order_id: order \(order.number) already has a payment that is \(payment.status) (\(payment.id.uuidString.prefix(8).lowercased()))"
                )
            }
            guard let reference = payment.providerReference else { continue }
            let provider = try self.providers.named(payment.provider)
            do {
                let reported = try await provider.cancel(
                    reference: reference,
                    reason: "abandoned",
                    idempotencyKey: "souk-cancel-\(payment.id.uuidString.lowercased())"
                )
                let recorded = try await self.record(
                    reported,
                    on: payment.id,
                    actor: "provider:\(payment.provider)",
                    note: "a new attempt replaced it"
                )
                if recorded.status.hasCaptured || recorded.status == .authorized {
                    throw PaymentsError.failedPrecondition(
                        "order_id: order \(order.number) was paid by an earlier attempt (\(recorded.id.uuidString.prefix(8).lowercased()))"
                    )
                }
            } catch let error as ProviderError {
                // The provider says the earlier attempt cannot be cancelled: read what it is, and stop if it took money.
                let recorded = try await self.refresh(
                    payment,
                    actor: "provider:\(payment.provider)",
                    note: "cancel refused: \(error.message)"
                )
                if recorded.status.hasCaptured || recorded.status == .authorized {
                    throw PaymentsError.failedPrecondition(
                        "order_id: order \(order.number) was paid by an earlier attempt (\(recorded.id.uuidString.prefix(8).lowercased()))"
                    )
                }
            }
        }
    }
}

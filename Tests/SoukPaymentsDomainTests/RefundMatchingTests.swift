import Foundation
import SoukMoney
import Testing

@testable import SoukPayments

@Suite("A refund's webhook that outruns the provider's answer finds Souk's refund instead of adding one")
struct RefundMatchingTests {
    static func captured(refunds: [RefundRecord]) -> PaymentRecord {
        let id = UUID()
        return PaymentRecord(
            id: id,
            order: UUID(),
            customer: UUID(),
            idempotencyKey: "k",
            currency: .rub,
            state: PaymentState(status: .captured, amount: 5000, captured: 5000, refunded: 0),
            provider: "stripe",
            providerReference: "pi_1",
            manualCapture: false,
            failureReason: "",
            confirmationURL: "",
            orderStatusSynced: "paid",
            history: [],
            refunds: refunds.map { refund in
                var refund = refund
                refund.payment = id
                return refund
            },
            createdAt: Date(),
            updatedAt: Date()
        )
    }

    static func pending(_ amount: Int64) -> RefundRecord {
        RefundRecord(
            id: UUID(),
            payment: UUID(),
            amountMinor: amount,
            reason: "r",
            status: "pending",
            restock: false,
            providerReference: nil,
            actor: "staff",
            idempotencyKey: UUID().uuidString,
            createdAt: Date()
        )
    }

    @Test("by Souk's id in the metadata (Stripe), or as the one refund of that amount still waiting (YooKassa)")
    func matched() throws {
        let mine = Self.pending(1000)
        for metadata in [["refund_id": mine.id.uuidString.lowercased()], [:]] {
            var payment = Self.captured(refunds: [mine, Self.pending(700)])
            try payment.take(
                ProviderRefund(
                    reference: "re_1",
                    paymentReference: "pi_1",
                    amount: 1000,
                    status: "succeeded",
                    metadata: metadata
                ),
                actor: "provider:stripe",
                at: Date()
            )
            #expect(payment.refunds.count == 2)
            #expect(payment.refunds[0].providerReference == "re_1" && payment.refunds[0].status == "succeeded")
            #expect(payment.state.refunded == 1700)
            #expect(payment.status == .partiallyRefunded)
        }
    }

    @Test("a refund made at the provider itself is recorded as such")
    func external() throws {
        var payment = Self.captured(refunds: [Self.pending(1000), Self.pending(1000)])
        try payment.take(
            ProviderRefund(
                reference: "re_9",
                paymentReference: "pi_1",
                amount: 1000,
                status: "succeeded",
                metadata: [:]
            ),
            actor: "provider:stripe",
            at: Date()
        )
        // Two waiting refunds of that amount: neither is guessed; the provider's is its own.
        #expect(payment.refunds.count == 3)
        #expect(payment.refunds.last?.reason == "refunded at stripe")
        #expect(payment.state.refunded == 3000)
    }
}

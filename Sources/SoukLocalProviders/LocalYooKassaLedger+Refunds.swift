import Foundation
import SoukPaymentProviders

extension LocalYooKassaLedger {
    /// `POST /v3/refunds`: `amount` of a `succeeded` payment, at most what was captured and not yet refunded; the
    /// refund succeeds at once and the payment's `refunded_amount` grows by it.
    mutating func createRefund(_ body: [UInt8], now: Date) throws(Refusal) -> LocalYooKassaReply {
        let request = try Self.decode(YooKassaCreateRefund.self, body)
        var payment = try self.record(request.paymentID)
        let amount = try Self.kopecks(request.amount, field: "amount")
        guard payment.status == .succeeded else {
            throw Self.invalid(
                "payment_id",
                "Payment \(payment.id) is \(payment.status): only a succeeded payment can be refunded"
            )
        }
        let remaining = payment.amount - payment.refunded
        guard amount <= remaining else {
            throw Self.invalid(
                "amount.value",
                "The refund amount (\(Self.rubles(amount).value)) exceeds what remains to refund "
                    + "(\(remaining > 0 ? Self.rubles(remaining).value : "0.00"))"
            )
        }
        if let description = request.description, description.count > 250 {
            throw Self.invalid("description", "Description must be at most 250 characters")
        }
        let refund = RefundRecord(
            id: self.nextID("0015"),
            paymentID: payment.id,
            amount: amount,
            description: request.description,
            createdAt: now
        )
        payment.refunded += amount
        self.payments[payment.id] = payment
        self.refunds[refund.id] = refund
        let object = Self.refund(refund)
        self.outbox.append(YooKassaNotification(event: .refundSucceeded, object: .refund(object)))
        return Self.json(object)
    }
}

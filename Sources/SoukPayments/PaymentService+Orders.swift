import Foundation
import GRPCCore
import Logging
import SoukAPI
import SoukDomain
import SoukMoney
import SoukPaymentProviders
import SwiftProtobuf

extension PaymentService {
    /// Moves the payment's order to where the payment says it is: captured → paid (the held stock is taken),
    /// refunded in full → refunded (the units back to stock when the refund asked). The call is the domain's own,
    /// signed with the host's service account; it is idempotent, and a failure leaves the payment marked unsynced
    /// so that the next webhook, re-read or reconciliation tries again.
    ///
    /// An order that can no longer be paid (its stock hold ran out, or it was cancelled) gets its money back and is
    /// cancelled: nothing is charged for goods Souk no longer holds.
    func followOrder(_ payment: PaymentRecord) async throws -> PaymentRecord {
        let wanted: Souk_Catalog_V1_OrderStatus
        switch payment.status {
        case .captured, .partiallyRefunded: wanted = .paid
        case .refunded: wanted = .refunded
        default: return payment
        }
        let word = Self.words(wanted)
        guard payment.orderStatusSynced != word, payment.orderStatusSynced != "cancelled" else { return payment }
        var request = Souk_Catalog_V1_UpdateOrderStatusRequest()
        request.orderID = payment.order.uuidString.lowercased()
        request.status = wanted
        request.restock = wanted == .refunded && payment.refunds.contains { $0.restock && $0.countsAsRefunded }
        request.note = "payment \(payment.id.uuidString.prefix(8).lowercased()) \(payment.status)"
        do {
            _ = try await self.orders.updateOrderStatus(request)
            return try await self.markSynced(payment, word)
        } catch let error as RPCError where error.code == .failedPrecondition {
            return try await self.orderRefused(payment, wanted: wanted, error: error)
        } catch let error as RPCError {
            self.logger.warning(
                "the order did not follow its payment; the next webhook, re-read or reconciliation retries",
                metadata: [
                    "payment": "\(payment.id)", "order": "\(payment.order)", "code": "\(error.code)",
                    "error": "\(error.message)",
                ]
            )
            return payment
        }
    }

    /// The order refused to move: read where it is. An order already past paid (packed by staff after a lost
    /// acknowledgement) is in step; an order that cannot take the payment gets the money back.
    private func orderRefused(
        _ payment: PaymentRecord,
        wanted: Souk_Catalog_V1_OrderStatus,
        error: RPCError
    ) async throws -> PaymentRecord {
        var request = Souk_Catalog_V1_GetOrderRequest()
        request.orderID = payment.order.uuidString.lowercased()
        let order = try await self.orders.getOrder(request)
        switch (wanted, order.status) {
        case (.paid, .paid), (.paid, .packed), (.paid, .shipped), (.paid, .delivered), (.refunded, .refunded):
            return try await self.markSynced(payment, Self.words(wanted))
        case (.paid, _):
            self.logger.notice(
                "a payment completed on an order that cannot take it; the money goes back",
                metadata: ["payment": "\(payment.id)", "order": "\(payment.order)", "reason": "\(error.message)"]
            )
            return try await self.giveBack(payment, reason: "the order could not be paid: \(error.message)")
        default:
            // Refunded money on an order that was never paid (cancelled before capture): nothing to move.
            return try await self.markSynced(payment, Self.words(order.status))
        }
    }

    /// Refunds everything taken on a payment whose order cannot have it, and cancels the order if it still waits.
    func giveBack(_ payment: PaymentRecord, reason: String) async throws -> PaymentRecord {
        var payment = payment
        if payment.state.refundable > 0, payment.refundCommitted < payment.state.captured {
            payment = try await self.refund(
                payment,
                amount: payment.state.captured - payment.refundCommitted,
                reason: String(reason.prefix(500)),
                restock: false,
                key: "souk-give-back",
                actor: "payments",
                followingOrder: false
            )
        }
        var request = Souk_Catalog_V1_UpdateOrderStatusRequest()
        request.orderID = payment.order.uuidString.lowercased()
        request.status = .cancelled
        request.note = "payment \(payment.id.uuidString.prefix(8).lowercased()) given back: \(reason.prefix(200))"
        do {
            _ = try await self.orders.updateOrderStatus(request)
        } catch let error as RPCError where error.code == .failedPrecondition {
            // Cancelled already, or moved on: the money is back either way.
        }
        return try await self.markSynced(payment, "cancelled")
    }

    private func markSynced(_ payment: PaymentRecord, _ status: String) async throws -> PaymentRecord {
        let updated = try await self.store.update(payment.id, providerEvent: nil, event: Self.payload) { record in
            record.orderStatusSynced = status
        }.payment
        self.signal.pulse()
        return updated
    }
}

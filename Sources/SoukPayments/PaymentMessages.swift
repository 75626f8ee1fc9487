import Foundation
import SoukAPI
import SoukMoney

/// Payments as protobuf messages.
extension PaymentRecord {
    var message: Souk_Payments_V1_Payment {
        var payment = Souk_Payments_V1_Payment()
        payment.id = self.id.uuidString.lowercased()
        payment.orderID = self.order.uuidString.lowercased()
        payment.customerAccountID = self.customer.uuidString.lowercased()
        payment.status = self.status.message
        payment.amount = Self.money(self.state.amount, self.currency)
        payment.captured = Self.money(self.state.captured, self.currency)
        payment.refunded = Self.money(self.state.refunded, self.currency)
        payment.provider = self.provider
        payment.providerReference = self.providerReference ?? ""
        payment.manualCapture = self.manualCapture
        payment.failureReason = self.failureReason
        payment.history = self.history.map { change in
            var message = Souk_Payments_V1_PaymentChange()
            message.from = change.from?.message ?? .unspecified
            message.to = change.to.message
            message.actor = change.actor
            message.atUnixMs = Self.unixMilliseconds(change.at)
            message.providerEventID = change.providerEventID
            message.note = change.note
            return message
        }
        payment.refunds = self.refunds.map { refund in
            var message = Souk_Payments_V1_Refund()
            message.id = refund.id.uuidString.lowercased()
            message.amount = Self.money(refund.amountMinor, self.currency)
            message.reason = refund.reason
            message.status = refund.status
            message.restocked = refund.restock
            message.providerReference = refund.providerReference ?? ""
            message.actorAccountID = refund.actor
            message.createdAtUnixMs = Self.unixMilliseconds(refund.createdAt)
            return message
        }
        payment.createdAtUnixMs = Self.unixMilliseconds(self.createdAt)
        payment.updatedAtUnixMs = Self.unixMilliseconds(self.updatedAt)
        return payment
    }

    static func money(_ minorUnits: Int64, _ currency: Currency) -> Souk_Catalog_V1_Money {
        var money = Souk_Catalog_V1_Money()
        money.minorUnits = minorUnits
        money.currency = currency.code
        return money
    }

    static func unixMilliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}

extension PaymentStatus {
    var message: Souk_Payments_V1_PaymentStatus {
        switch self {
        case .created: .created
        case .requiresAction: .requiresAction
        case .authorized: .authorized
        case .captured: .captured
        case .partiallyRefunded: .partiallyRefunded
        case .refunded: .refunded
        case .failed: .failed
        case .cancelled: .cancelled
        case .expired: .expired
        }
    }

    init?(_ message: Souk_Payments_V1_PaymentStatus) {
        switch message {
        case .created: self = .created
        case .requiresAction: self = .requiresAction
        case .authorized: self = .authorized
        case .captured: self = .captured
        case .partiallyRefunded: self = .partiallyRefunded
        case .refunded: self = .refunded
        case .failed: self = .failed
        case .cancelled: self = .cancelled
        case .expired: self = .expired
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}

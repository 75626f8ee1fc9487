package import Foundation
import GRPCCore
package import SoukMoney
package import SoukPaymentProviders

/// YooKassa as a ``PaymentProvider``: API v3 payments, captures, cancels and refunds through ``YooKassaClient``,
/// and notifications trusted only once the payment or refund they name is re-read from the API with the shop's own
/// credentials (providers.md §2.5: YooKassa signs nothing), from an allowed address when a list is configured.
package struct YooKassaPaymentProvider: PaymentProvider {
    package let name = "yookassa"
    let client: YooKassaClient
    let allowedSources: SourceAllowList

    package init(client: YooKassaClient, allowedSources: [String]) {
        self.client = client
        self.allowedSources = SourceAllowList(allowedSources)
    }

    package func accepts(_ currency: Currency) -> Bool { currency.code == "RUB" }

    package func create(_ request: ProviderPaymentRequest) async throws -> ProviderPayment {
        try Self.payment(
            try await self.client.createPayment(
                amount: try YooKassaAmount(request.amount),
                capture: !request.manualCapture,
                returnURL: request.returnURL,
                description: String(request.description.prefix(128)),
                metadata: request.metadata,
                idempotencyKey: request.idempotencyKey
            )
        )
    }

    package func retrieve(reference: String) async throws -> ProviderPayment {
        try Self.payment(try await self.client.getPayment(reference))
    }

    package func capture(reference: String, amount: Int64?, idempotencyKey: String) async throws -> ProviderPayment {
        var money: YooKassaAmount?
        if let amount { money = try YooKassaAmount(Money(minorUnits: amount, currency: .rub)) }
        return try Self.payment(
            try await self.client.capturePayment(reference, amount: money, idempotencyKey: idempotencyKey)
        )
    }

    package func cancel(reference: String, reason: String, idempotencyKey: String) async throws -> ProviderPayment {
        try Self.payment(try await self.client.cancelPayment(reference, idempotencyKey: idempotencyKey))
    }

    package func refund(
        reference: String,
        amount: Int64,
        reason: String,
        refundID: String,
        idempotencyKey: String
    ) async throws -> ProviderRefund {
        Self.refund(
            try await self.client.createRefund(
                paymentID: reference,
                amount: try YooKassaAmount(Money(minorUnits: amount, currency: .rub)),
                description: String(reason.prefix(250)),
                idempotencyKey: idempotencyKey
            )
        )
    }

    package func payments(createdFrom from: Date, before: Date) async throws -> [ProviderPayment] {
        var payments: [ProviderPayment] = []
        var cursor: String?
        repeat {
            let page = try await self.client.listPayments(
                createdFrom: from,
                createdTo: before,
                limit: 100,
                cursor: cursor
            )
            payments += try page.items.map(Self.payment)
            cursor = page.nextCursor
        } while cursor != nil
        return payments.filter { $0.createdAt >= from && $0.createdAt < before }
    }

    package func webhook(body: [UInt8], signature: String, sourceAddress: String) async throws -> ProviderWebhook {
        guard self.allowedSources.allows(sourceAddress) else {
            throw PaymentsError(.permissionDenied, "source_address: \(sourceAddress.prefix(45)) is not YooKassa's")
        }
        let notification: YooKassaNotification
        do {
            notification = try YooKassaNotification(decoding: body)
        } catch {
            throw PaymentsError.invalidArgument("body: \(error.message)")
        }
        // What the notification claims is ignored: the object is read back with the shop's own credentials.
        switch notification.object {
        case .payment(let pushed):
            let payment = try await self.client.getPayment(pushed.id)
            return ProviderWebhook(
                eventID: "\(notification.event.rawValue):\(payment.id):\(payment.status.rawValue)",
                payment: try Self.payment(payment),
                refund: nil
            )
        case .refund(let pushed):
            let refund = try await self.client.getRefund(pushed.id)
            return ProviderWebhook(
                eventID: "\(notification.event.rawValue):\(refund.id):\(refund.status.rawValue)",
                payment: nil,
                refund: Self.refund(refund)
            )
        case .other:
            throw PaymentsError.invalidArgument("body: a notification about neither a payment nor a refund")
        }
    }

    /// The model's view of a YooKassa payment (providers.md §2.4): `pending` waits for the customer's redirect;
    /// `canceled` by the shop is a cancel, by anyone else a failure.
    static func payment(_ payment: YooKassaPayment) throws -> ProviderPayment {
        let amount = try payment.amount.money()
        var facts: [PaymentFact] = []
        switch payment.status.rawValue {
        case "pending": facts = payment.confirmationURL == nil ? [] : [.actionRequired]
        case "waiting_for_capture": facts = [.authorized]
        case "succeeded": facts = [.captured(amount: amount.minorUnits)]
        case "canceled": facts = payment.cancellationDetails?.party == "merchant" ? [.cancelled] : [.failed]
        default: facts = []
        }
        return ProviderPayment(
            reference: payment.id,
            amount: amount.minorUnits,
            currency: amount.currency.code,
            facts: facts,
            providerStatus: payment.status.rawValue,
            confirmationURL: payment.confirmationURL,
            failureReason: payment.cancellationDetails.map { "\($0.party): \($0.reason)" },
            metadata: payment.metadata ?? [:],
            createdAt: payment.createdAt
        )
    }

    static func refund(_ refund: YooKassaRefund) -> ProviderRefund {
        ProviderRefund(
            reference: refund.id,
            paymentReference: refund.paymentID,
            amount: (try? refund.amount.money().minorUnits) ?? 0,
            status: refund.status.rawValue == "canceled" ? "cancelled" : refund.status.rawValue,
            metadata: [:]
        )
    }
}

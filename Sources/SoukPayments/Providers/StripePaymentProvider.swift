package import Foundation
import GRPCCore
package import SoukMoney
package import SoukPaymentProviders

/// Stripe as a ``PaymentProvider``: PaymentIntents and Refunds through ``StripeClient``, webhooks checked with the
/// endpoint secret (providers.md §1).
package struct StripePaymentProvider: PaymentProvider {
    package let name = "stripe"
    let client: StripeClient
    let webhookSecret: String
    /// The time a webhook's timestamp is checked against.
    let now: @Sendable () -> Date

    package init(client: StripeClient, webhookSecret: String, now: @escaping @Sendable () -> Date) {
        self.client = client
        self.webhookSecret = webhookSecret
        self.now = now
    }

    package func accepts(_ currency: Currency) -> Bool {
        (try? StripeAmount(Money(minorUnits: 1000 * currency.minorPerMajor, currency: currency))) != nil
    }

    package func create(_ request: ProviderPaymentRequest) async throws -> ProviderPayment {
        let intent = try await self.client.createPaymentIntent(
            amount: try StripeAmount(request.amount),
            captureMethod: request.manualCapture ? .manual : .automatic,
            paymentMethod: request.paymentMethod,
            confirm: request.paymentMethod != nil,
            returnURL: request.paymentMethod != nil ? request.returnURL : nil,
            metadata: request.metadata,
            idempotencyKey: request.idempotencyKey
        )
        return try Self.payment(intent)
    }

    package func retrieve(reference: String) async throws -> ProviderPayment {
        try Self.payment(try await self.client.retrievePaymentIntent(reference))
    }

    package func capture(reference: String, amount: Int64?, idempotencyKey: String) async throws -> ProviderPayment {
        try Self.payment(
            try await self.client.capture(
                paymentIntent: reference,
                amountToCapture: amount,
                idempotencyKey: idempotencyKey
            )
        )
    }

    package func cancel(reference: String, reason: String, idempotencyKey: String) async throws -> ProviderPayment {
        let stripeReason =
            ["duplicate", "fraudulent", "requested_by_customer", "abandoned"].contains(reason)
            ? reason : "abandoned"
        return try Self.payment(
            try await self.client.cancel(paymentIntent: reference, reason: stripeReason, idempotencyKey: idempotencyKey)
        )
    }

    package func refund(
        reference: String,
        amount: Int64,
        reason: String,
        refundID: String,
        idempotencyKey: String
    ) async throws -> ProviderRefund {
        let stripeReason = ["duplicate", "fraudulent", "requested_by_customer"].contains(reason) ? reason : nil
        let refund = try await self.client.createRefund(
            paymentIntent: reference,
            amount: amount,
            reason: stripeReason,
            metadata: ["refund_id": refundID],
            idempotencyKey: idempotencyKey
        )
        return Self.refund(refund, paymentReference: reference)
    }

    package func payments(createdFrom from: Date, before: Date) async throws -> [ProviderPayment] {
        var payments: [ProviderPayment] = []
        var after: String?
        repeat {
            let page = try await self.client.listPaymentIntents(
                createdFrom: from,
                createdTo: before.addingTimeInterval(-1),
                limit: 100,
                startingAfter: after
            )
            payments += try page.data.map(Self.payment)
            after = page.hasMore ? page.data.last?.id : nil
        } while after != nil
        return payments.filter { $0.createdAt >= from && $0.createdAt < before }
    }

    package func webhook(body: [UInt8], signature: String, sourceAddress: String) async throws -> ProviderWebhook {
        let event: StripeEvent
        do {
            event = try StripeEvent.verified(
                payload: body,
                signatureHeader: signature.isEmpty ? nil : signature,
                secret: self.webhookSecret,
                now: self.now()
            )
        } catch {
            throw PaymentsError(error.code == .unreadableBody ? .invalidArgument : .unauthenticated, error.message)
        }
        switch event.object {
        case .paymentIntent(let intent):
            return ProviderWebhook(eventID: event.id, payment: try Self.payment(intent), refund: nil)
        case .refund(let refund):
            return ProviderWebhook(
                eventID: event.id,
                payment: nil,
                refund: Self.refund(refund, paymentReference: refund.paymentIntent ?? "")
            )
        case .other:
            return ProviderWebhook(eventID: event.id, payment: nil, refund: nil)
        }
    }

    /// The model's view of an intent (providers.md §1.6): a decline leaves it `requires_payment_method` with the
    /// error, which ends this attempt.
    static func payment(_ intent: StripePaymentIntent) throws -> ProviderPayment {
        var facts: [PaymentFact] = []
        switch intent.status.rawValue {
        case "requires_action": facts = [.actionRequired]
        case "requires_capture": facts = [.authorized]
        case "succeeded": facts = [.captured(amount: intent.amountReceived)]
        case "canceled": facts = [.cancelled]
        case "requires_payment_method" where intent.lastPaymentError != nil: facts = [.failed]
        default: facts = []
        }
        let currency = intent.currency.uppercased()
        return ProviderPayment(
            reference: intent.id,
            amount: try Self.minorUnits(intent.amount, currency: currency),
            currency: currency,
            facts: try facts.map { fact in
                guard case .captured(let amount) = fact else { return fact }
                return .captured(amount: try Self.minorUnits(amount, currency: currency))
            },
            providerStatus: intent.status.rawValue,
            clientSecret: intent.clientSecret,
            confirmationURL: intent.redirectURL,
            failureReason: intent.lastPaymentError.map { $0.declineCode ?? $0.code ?? $0.type }
                ?? intent.cancellationReason,
            metadata: intent.metadata,
            createdAt: Date(timeIntervalSince1970: TimeInterval(intent.created))
        )
    }

    static func refund(_ refund: StripeRefund, paymentReference: String) -> ProviderRefund {
        ProviderRefund(
            reference: refund.id,
            paymentReference: refund.paymentIntent ?? paymentReference,
            amount: refund.amount,
            status: refund.status == "canceled" ? "cancelled" : refund.status,
            metadata: refund.metadata ?? [:]
        )
    }

    /// Stripe's units of `currency` back to ISO minor units (the same for every currency Souk supports, but
    /// checked through ``StripeAmount`` so a special case cannot slip by).
    private static func minorUnits(_ amount: Int64, currency: String) throws -> Int64 {
        try StripeAmount.money(amount: amount, currency: currency).minorUnits
    }
}

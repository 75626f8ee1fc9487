import Foundation
import GRPCCore
import SoukAPI
import SoukLocalProviders
import SoukPaymentProviders
import TestSupport
import Testing

@Suite("Roubles go through YooKassa: a redirect to confirm, notifications trusted only once re-read")
struct YooKassaCheckoutTests {
    /// YooKassa's notification of `event` about `payment`, as YooKassa would POST it (unsigned).
    static func notification(
        _ event: YooKassaNotification.Event,
        _ payment: YooKassaPayment
    ) throws -> Souk_Payments_V1_ReceiveWebhookRequest {
        var request = Souk_Payments_V1_ReceiveWebhookRequest()
        request.provider = "yookassa"
        request.body = try YooKassaJSON.encoder().encode(YooKassaNotification(event: event, object: .payment(payment)))
        request.sourceAddress = "185.71.76.5"
        return request
    }

    @Test(
        "pay by redirect: a forged notification changes nothing, the real one pays the order",
        .timeLimit(.minutes(5))
    )
    func redirect() async throws {
        try await PaymentsShop.with { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example", currency: "RUB")
            let started = try await shop.pay(order, as: ann, method: "")
            #expect(started.payment.provider == "yookassa")
            #expect(started.payment.amount.minorUnits == 258_000 && started.payment.amount.currency == "RUB")
            #expect(started.payment.status == .requiresAction)
            #expect(started.confirmationURL.hasPrefix(shop.yooKassa.baseURL + "/confirm/"))
            #expect(started.clientSecret.isEmpty)
            let reference = started.payment.providerReference

            // Someone posts a "succeeded" notification for the pending payment: the re-read says pending.
            var forged = try #require(shop.yooKassa.payment(reference))
            forged.status = .init(rawValue: "succeeded")
            forged.paid = true
            _ = try await shop.payments.receiveWebhook(try Self.notification(.paymentSucceeded, forged))
            #expect(try await shop.payment(started.payment.id).status == .requiresAction)
            #expect(try await shop.order(order.id).status == .pendingPayment)

            let paid = try shop.yooKassa.confirm(reference)
            #expect(paid.status.rawValue == "succeeded")
            let real = try Self.notification(.paymentSucceeded, paid)
            let first = try await shop.payments.receiveWebhook(real)
            #expect(!first.duplicate && first.paymentID == started.payment.id)
            #expect(try await shop.payments.receiveWebhook(real).duplicate)
            let after = try await shop.payment(started.payment.id)
            #expect(after.status == .captured && after.captured.minorUnits == 258_000)
            #expect(try await shop.order(order.id).status == .paid)

            let refunded = try await shop.refund(after, amount: 0, key: "r-1", restock: true)
            #expect(refunded.status == .refunded)
            #expect(shop.yooKassa.payment(reference)?.refundedAmount?.value == "2580.00")
            #expect(try await shop.order(order.id).status == .refunded)
        }
    }

    @Test(
        "a decline at YooKassa ends the attempt with its reason; a notification from a foreign address is refused",
        .timeLimit(.minutes(5))
    )
    func declined() async throws {
        try await PaymentsShop.with { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example", currency: "RUB")
            let started = try await shop.pay(order, as: ann, method: "")
            _ = try shop.yooKassa.confirm(started.payment.providerReference, decline: "insufficient_funds")
            var sync = Souk_Payments_V1_SyncPaymentRequest()
            sync.paymentID = started.payment.id
            let failed = try await shop.payments.syncPayment(sync, metadata: ann)
            #expect(failed.status == .failed)
            #expect(failed.failureReason.contains("insufficient_funds"))
            #expect(try await shop.order(order.id).status == .pendingPayment)
        }
    }

    @Test(
        "a currency the routed provider does not take is refused by name, and nothing is created",
        .timeLimit(.minutes(5))
    )
    func currencyNotTaken() async throws {
        try await PaymentsShop.with(routes: ["USD": "yookassa"]) { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example", currency: "USD")
            let refused = await rpcError { _ = try await shop.pay(order, as: ann) }
            #expect(refused?.code == .failedPrecondition)
            #expect(refused?.message.contains("yookassa does not take payments in USD") == true)
            #expect(shop.yooKassa.paymentCount == 0 && shop.stripe.intentCount == 0)
            var list = Souk_Payments_V1_ListPaymentsRequest()
            list.orderID = order.id
            #expect(try await shop.payments.listPayments(list, metadata: ann).payments.isEmpty)
        }
    }
}

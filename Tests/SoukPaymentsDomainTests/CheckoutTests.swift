import GRPCCore
import SoukAPI
import SoukLocalProviders
import SoukPaymentProviders
import SoukPayments
import TestSupport
import Testing

@Suite("Customers pay their own orders through Stripe; the order follows its payment")
struct CheckoutTests {
    @Test(
        "a card that succeeds: captured in the order's currency, the order paid and its stock taken, a retry charges nothing more",
        .timeLimit(.minutes(5))
    )
    func paid() async throws {
        try await PaymentsShop.with { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example")
            #expect(try await shop.stock() == (5, 2))
            let first = try await shop.pay(order, as: ann)
            #expect(first.payment.status == .captured)
            #expect(first.payment.amount.minorUnits == 2998)
            #expect(first.payment.amount.currency == "USD")
            #expect(first.payment.captured.minorUnits == 2998)
            #expect(first.payment.provider == "stripe")
            #expect(first.payment.providerReference.hasPrefix("pi_"))
            #expect(first.confirmationURL.isEmpty)
            #expect(first.payment.history.map(\.to) == [.created, .captured])
            // The intent at the provider is for the order's total, whatever the client could have sent.
            let intent = try #require(shop.stripe.paymentIntent(first.payment.providerReference))
            #expect(intent.amount == 2998 && intent.currency == "usd")
            #expect(intent.metadata["order_id"] == order.id)

            #expect(try await shop.order(order.id).status == .paid)
            #expect(try await shop.stock() == (3, 0))

            let again = try await shop.pay(order, as: ann)
            #expect(again.payment.id == first.payment.id)
            #expect(shop.stripe.intentCount == 1)
        }
    }

    @Test(
        "a declined card ends the attempt with the reason; the order waits, and a second card pays it",
        .timeLimit(.minutes(5))
    )
    func declined() async throws {
        try await PaymentsShop.with { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example")
            let declined = try await shop.pay(order, as: ann, key: "try-1", method: "pm_card_chargeDeclined")
            #expect(declined.payment.status == .failed)
            #expect(declined.payment.failureReason.contains("declined"))
            #expect(try await shop.order(order.id).status == .pendingPayment)
            let paid = try await shop.pay(order, as: ann, key: "try-2")
            #expect(paid.payment.status == .captured)
            #expect(paid.payment.id != declined.payment.id)
            #expect(try await shop.order(order.id).status == .paid)
        }
    }

    @Test(
        "3-D Secure: the customer is sent to the confirmation page; back from it, a re-read captures and pays the order",
        .timeLimit(.minutes(5))
    )
    func threeDSecure() async throws {
        try await PaymentsShop.with { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example")
            let started = try await shop.pay(order, as: ann, method: "pm_card_threeDSecure2Required")
            #expect(started.payment.status == .requiresAction)
            #expect(started.confirmationURL.hasPrefix(shop.stripe.baseURL + "/confirm/"))
            #expect(try await shop.order(order.id).status == .pendingPayment)
            try await LocalHTTP.get(started.confirmationURL)
            var sync = Souk_Payments_V1_SyncPaymentRequest()
            sync.paymentID = started.payment.id
            let synced = try await shop.payments.syncPayment(sync, metadata: ann)
            #expect(synced.status == .captured)
            #expect(synced.history.map(\.to) == [.created, .requiresAction, .captured])
            #expect(try await shop.order(order.id).status == .paid)
        }
    }

    @Test("bad requests are refused by name, and nothing is charged", .timeLimit(.minutes(5)))
    func refusals() async throws {
        try await PaymentsShop.with { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example")
            let (bob, _) = try await shop.customerWithOrder("bob@souk.example", mugs: 1)

            let others = await rpcError { _ = try await shop.pay(order, as: bob) }
            #expect(others?.code == .notFound)
            #expect(others?.message.contains("order_id") == true)

            var noKey = Souk_Payments_V1_CreatePaymentRequest()
            noKey.orderID = order.id
            let missingKey = await rpcError { _ = try await shop.payments.createPayment(noKey, metadata: ann) }
            #expect(missingKey?.code == .invalidArgument)
            #expect(missingKey?.message.contains("idempotency_key") == true)

            var badReturn = noKey
            badReturn.idempotencyKey = "k"
            badReturn.returnURL = "javascript:alert(1)"
            let returnURL = await rpcError { _ = try await shop.payments.createPayment(badReturn, metadata: ann) }
            #expect(returnURL?.code == .invalidArgument)
            #expect(returnURL?.message.contains("return_url") == true)

            // The shop's own host signs token-less calls as its service account; the first host has none.
            let anonymous = await rpcError {
                _ = try await shop.harness.client(PaymentsClient()).createPayment(badReturn)
            }
            #expect(anonymous?.code == .unauthenticated)
            #expect(shop.stripe.intentCount == 0)

            _ = try await shop.pay(order, as: ann)
            let paidAlready = await rpcError { _ = try await shop.pay(order, as: ann, key: "pay-2") }
            #expect(paidAlready?.code == .failedPrecondition)
            #expect(paidAlready?.message.contains("pending_payment") == true)

            let staffOnly = await rpcError {
                var refund = Souk_Payments_V1_RefundPaymentRequest()
                refund.paymentID = "whatever"
                _ = try await shop.payments.refundPayment(refund, metadata: ann)
            }
            #expect(staffOnly?.code == .permissionDenied)
            #expect(shop.stripe.intentCount == 1)
        }
    }
}

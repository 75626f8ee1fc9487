import AsyncHTTPClient
import Foundation
import GRPCCore
import SoukAPI
import SoukDomain
import SoukLocalProviders
import SoukMoney
import SoukPaymentProviders
import SoukPayments
import TestSupport
import Testing

@Suite("Stripe webhooks: signed, processed once, never backwards; a lost answer is repaired without a second charge")
struct WebhookTests {
    /// A Stripe event about `intent`, signed as Stripe would sign it now (or `age` ago).
    static func event(
        _ type: String,
        intent: StripePaymentIntent,
        id: String,
        shop: PaymentsShop,
        age: TimeInterval = 0,
        secret: String = PaymentsShop.webhookSecret
    ) throws -> Souk_Payments_V1_ReceiveWebhookRequest {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(intent))
        let envelope: [String: Any] = [
            "id": id, "object": "event", "type": type, "created": Int(shop.wallClock.now.timeIntervalSince1970),
            "livemode": false, "data": ["object": object],
        ]
        let body = try JSONSerialization.data(withJSONObject: envelope)
        var request = Souk_Payments_V1_ReceiveWebhookRequest()
        request.provider = "stripe"
        request.body = body
        request.signature = StripeWebhookSignature(secret: secret).header(
            payload: body,
            timestamp: Int64(shop.wallClock.now.timeIntervalSince1970 - age)
        )
        return request
    }

    @Test(
        "a signed event moves the payment once; a replay is a duplicate; an older event changes nothing",
        .timeLimit(.minutes(5))
    )
    func signedOnceForward() async throws {
        try await PaymentsShop.with(manualCapture: true) { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example")
            let started = try await shop.pay(order, as: ann, method: "pm_card_threeDSecure2Required")
            #expect(started.payment.status == .requiresAction)
            let requiresAction = try #require(shop.stripe.paymentIntent(started.payment.providerReference))
            try await LocalHTTP.get(started.confirmationURL)
            let authorized = try #require(shop.stripe.paymentIntent(started.payment.providerReference))
            #expect(authorized.status.rawValue == "requires_capture")

            let event = try Self.event(
                "payment_intent.amount_capturable_updated",
                intent: authorized,
                id: "evt_1",
                shop: shop
            )
            let first = try await shop.payments.receiveWebhook(event)
            #expect(first.eventID == "evt_1" && !first.duplicate && first.paymentID == started.payment.id)
            let moved = try await shop.payment(started.payment.id)
            #expect(moved.status == .authorized)
            #expect(moved.history.last?.providerEventID == "evt_1")
            #expect(moved.history.last?.actor == "provider:stripe")

            let replay = try await shop.payments.receiveWebhook(event)
            #expect(replay.duplicate)
            #expect(try await shop.payment(started.payment.id).history.count == moved.history.count)

            // The requires_action event arrives late: the payment stays authorized.
            let late = try Self.event("payment_intent.requires_action", intent: requiresAction, id: "evt_0", shop: shop)
            #expect(try await shop.payments.receiveWebhook(late).duplicate == false)
            #expect(try await shop.payment(started.payment.id).status == .authorized)
        }
    }

    @Test("a bad, missing, stale or foreign signature is refused and changes nothing", .timeLimit(.minutes(5)))
    func refusedSignatures() async throws {
        try await PaymentsShop.with { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example")
            let started = try await shop.pay(order, as: ann, method: "pm_card_threeDSecure2Required")
            let intent = try #require(shop.stripe.paymentIntent(started.payment.providerReference))
            var forged = intent
            forged.status = .init(rawValue: "succeeded")
            forged.amountReceived = forged.amount

            let wrongSecret = try Self.event(
                "payment_intent.succeeded",
                intent: forged,
                id: "evt_f",
                shop: shop,
                secret: "whsec_other"
            )
            let stale = try Self.event("payment_intent.succeeded", intent: forged, id: "evt_s", shop: shop, age: 3600)
            var missing = try Self.event("payment_intent.succeeded", intent: forged, id: "evt_m", shop: shop)
            missing.signature = ""
            var tampered = try Self.event("payment_intent.requires_action", intent: intent, id: "evt_t", shop: shop)
            tampered.body = try Self.event("payment_intent.succeeded", intent: forged, id: "evt_t", shop: shop).body
            for request in [wrongSecret, stale, missing, tampered] {
                let refused = await rpcError { _ = try await shop.payments.receiveWebhook(request) }
                #expect(refused?.code == .unauthenticated)
                #expect(refused?.message.contains("Stripe-Signature") == true)
            }
            var unknownProvider = wrongSecret
            unknownProvider.provider = "paypal"
            let provider = await rpcError { _ = try await shop.payments.receiveWebhook(unknownProvider) }
            #expect(provider?.code == .invalidArgument)
            #expect(provider?.message.contains("provider") == true)
            #expect(try await shop.payment(started.payment.id).status == .requiresAction)
            #expect(try await shop.order(order.id).status == .pendingPayment)
        }
    }

    @Test(
        "Stripe captured but Souk never heard: the webhook finds the payment by its metadata, and a retry charges nothing more",
        .timeLimit(.minutes(5))
    )
    func lostAnswerRepairedByWebhook() async throws {
        try await PaymentsShop.with { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example")
            let (payment, intent) = try await Self.lostAnswer(shop, ann, order)
            let repaired = try await shop.payments.receiveWebhook(
                try Self.event("payment_intent.succeeded", intent: intent, id: "evt_late", shop: shop)
            )
            #expect(repaired.paymentID == payment.id)
            let after = try await shop.payment(payment.id)
            #expect(after.status == .captured)
            #expect(after.providerReference == intent.id)
            #expect(try await shop.order(order.id).status == .paid)
            let retried = try await shop.pay(order, as: ann, key: "lost")
            #expect(retried.payment.id == payment.id && retried.payment.status == .captured)
            #expect(shop.stripe.intentCount == 1)
        }
    }

    @Test("Stripe captured but Souk never heard: reconciliation reports it and repairs it", .timeLimit(.minutes(5)))
    func lostAnswerRepairedByReconciliation() async throws {
        try await PaymentsShop.with { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example")
            let (payment, intent) = try await Self.lostAnswer(shop, ann, order)
            // A payment made at Stripe outside Souk is reported too.
            let stranger = try await Self.stripeClient(shop).createPaymentIntent(
                amount: try StripeAmount(.init(minorUnits: 500, currency: try Currency.named("USD"))),
                idempotencyKey: "outside"
            )
            var reconcile = Souk_Payments_V1_ReconcileRequest()
            reconcile.fromUnixMs = Int64((shop.wallClock.now.timeIntervalSince1970 - 3600) * 1000)
            reconcile.beforeUnixMs = Int64((Date().timeIntervalSince1970 + 3600) * 1000)
            let report = try await shop.payments.reconcile(reconcile, metadata: shop.admin)
            #expect(report.providerCount == 2)
            let kinds = Dictionary(uniqueKeysWithValues: report.discrepancies.map { ($0.providerReference, $0) })
            #expect(kinds[stranger.id]?.kind == "missing_in_souk")
            #expect(kinds[intent.id]?.kind == "status_mismatch")
            #expect(kinds[intent.id]?.souk.contains("repaired") == true)
            #expect(try await shop.payment(payment.id).status == .captured)
            #expect(try await shop.order(order.id).status == .paid)

            let customer = await rpcError { _ = try await shop.payments.reconcile(reconcile, metadata: ann) }
            #expect(customer?.code == .permissionDenied)
        }
    }

    static func stripeClient(_ shop: PaymentsShop) -> StripeClient {
        StripeClient(
            httpClient: .shared,
            config: .init(baseURL: shop.stripe.baseURL, secretKey: StripeSecretKey("sk_test_local"))
        )
    }

    /// Stripe is down when the customer pays (the payment stays created, with no reference), then takes the
    /// payment under Souk's key as if the first attempt had reached it and only the answer was lost.
    static func lostAnswer(
        _ shop: PaymentsShop,
        _ customer: Metadata,
        _ order: Souk_Catalog_V1_Order
    ) async throws -> (Souk_Payments_V1_Payment, StripePaymentIntent) {
        shop.stripe.failNext(3, with: .internalError)  // as many as the client's attempts
        let down = await rpcError { _ = try await shop.pay(order, as: customer, key: "lost") }
        #expect(down?.code == .unavailable)
        #expect(down?.message.contains("Stripe") == true || down?.message.contains("stripe") == true)
        var list = Souk_Payments_V1_ListPaymentsRequest()
        list.orderID = order.id
        let payment = try #require(try await shop.payments.listPayments(list, metadata: customer).payments.first)
        #expect(payment.status == .created && payment.providerReference.isEmpty)
        let intent = try await Self.stripeClient(shop).createPaymentIntent(
            amount: try StripeAmount(.init(minorUnits: 2998, currency: try Currency.named("USD"))),
            paymentMethod: "pm_card_visa",
            confirm: true,
            metadata: ["payment_id": payment.id, "order_id": order.id],
            idempotencyKey: "souk-payment-\(payment.id)"
        )
        #expect(intent.status.rawValue == "succeeded")
        return (payment, intent)
    }
}

import SoukLocalProviders
import SoukMoney
import SoukPaymentProviders
import Testing

@Suite("Confirming intents and reading refunds against the local Stripe server")
struct StripeClientConfirmAndRefundTests {
    static func amount(_ text: String) throws -> StripeAmount {
        try StripeAmount(Money(parsing: text, currency: try Currency.named("USD")))
    }

    @Test("confirm with the card given, or the card attached at creation: as create-with-confirm")
    func confirm() async throws {
        try await LocalStripeFixture.with { stripe in
            let bare = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("20.00"),
                idempotencyKey: "c:1"
            )
            #expect(bare.status == .requiresPaymentMethod)
            let paid = try await stripe.client.confirmPaymentIntent(
                bare.id,
                paymentMethod: "pm_card_visa",
                idempotencyKey: "confirm:c:1"
            )
            #expect(paid.id == bare.id && paid.status == .succeeded && paid.amountReceived == 2_000)

            let attached = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("20.00"),
                captureMethod: .manual,
                paymentMethod: "pm_card_visa",
                idempotencyKey: "c:2"
            )
            #expect(attached.status == .requiresConfirmation)
            let authorized = try await stripe.client.confirmPaymentIntent(attached.id, idempotencyKey: "confirm:c:2")
            #expect(authorized.status == .requiresCapture && authorized.amountCapturable == 2_000)
            #expect(try await stripe.client.retrievePaymentIntent(attached.id) == authorized)

            let again = await #expect(throws: ProviderError.self) {
                try await stripe.client.confirmPaymentIntent(attached.id, idempotencyKey: "confirm:c:2b")
            }
            #expect(again?.code == .invalid && again?.providerCode == "payment_intent_unexpected_state")
        }
    }

    @Test("confirm with 3-D Secure needs action, with the return URL; a decline leaves the intent to retry")
    func confirmActionAndDecline() async throws {
        try await LocalStripeFixture.with { stripe in
            let intent = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("20.00"),
                idempotencyKey: "c:3"
            )
            let missing = await #expect(throws: ProviderError.self) {
                try await stripe.client.confirmPaymentIntent(intent.id, idempotencyKey: "confirm:c:3a")
            }
            #expect(missing?.code == .invalid && missing?.param == "payment_method")
            let declined = await #expect(throws: ProviderError.self) {
                try await stripe.client.confirmPaymentIntent(
                    intent.id,
                    paymentMethod: "pm_card_chargeDeclined",
                    idempotencyKey: "confirm:c:3b"
                )
            }
            #expect(declined?.code == .declined && declined?.declineCode == "generic_decline")
            let action = try await stripe.client.confirmPaymentIntent(
                intent.id,
                paymentMethod: "pm_card_threeDSecure2Required",
                returnURL: "https://shop.example/return",
                idempotencyKey: "confirm:c:3c"
            )
            #expect(action.status == .requiresAction && action.lastPaymentError == nil)
            #expect(action.redirectURL == "\(stripe.server.baseURL)/confirm/\(intent.id)")
            #expect(action.nextAction?.redirectToURL?.returnURL == "https://shop.example/return")
            let unknown = await #expect(throws: ProviderError.self) {
                try await stripe.client.confirmPaymentIntent("pi_nope", idempotencyKey: "confirm:c:4")
            }
            #expect(unknown?.code == .notFound)
        }
    }

    @Test("retrieveRefund reads a refund; listRefunds pages newest first, all or one intent's")
    func readRefunds() async throws {
        try await LocalStripeFixture.with { stripe in
            var intents: [String] = []
            for index in 0..<2 {
                let paid = try await stripe.client.createPaymentIntent(
                    amount: try Self.amount("50.00"),
                    paymentMethod: "pm_card_visa",
                    confirm: true,
                    idempotencyKey: "r:\(index)"
                )
                intents.append(paid.id)
            }
            var refunds: [StripeRefund] = []
            for (index, intent) in [intents[0], intents[1], intents[0]].enumerated() {
                refunds.append(
                    try await stripe.client.createRefund(
                        paymentIntent: intent,
                        amount: Int64(100 * (index + 1)),
                        idempotencyKey: "refund:r:\(index)"
                    )
                )
            }
            #expect(try await stripe.client.retrieveRefund(refunds[1].id) == refunds[1])
            let all = try await stripe.client.listRefunds()
            #expect(all.data == refunds.reversed() && !all.hasMore && all.url == "/v1/refunds")
            let first = try await stripe.client.listRefunds(paymentIntent: intents[0], limit: 1)
            #expect(first.data == [refunds[2]] && first.hasMore)
            let second = try await stripe.client.listRefunds(
                paymentIntent: intents[0],
                limit: 1,
                startingAfter: refunds[2].id
            )
            #expect(second.data == [refunds[0]] && !second.hasMore)

            let missing = await #expect(throws: ProviderError.self) {
                try await stripe.client.retrieveRefund("re_nope")
            }
            #expect(missing?.code == .notFound && missing?.httpStatus == 404)
            let unknownIntent = await #expect(throws: ProviderError.self) {
                try await stripe.client.listRefunds(paymentIntent: "pi_nope")
            }
            #expect(unknownIntent?.code == .notFound)
        }
    }
}

import SoukLocalProviders
import SoukMoney
import SoukPaymentProviders
import SoukRetry
import Testing

@Suite("The Stripe client's idempotency, retries and errors")
struct StripeClientRetryTests {
    static func create(
        _ stripe: LocalStripeFixture,
        key: String = "pay:A-2001:1",
        amount: String = "1499.00",
        card: String = "pm_card_visa"
    ) async throws -> StripePaymentIntent {
        try await stripe.client.createPaymentIntent(
            amount: try StripeAmount(Money(parsing: amount, currency: try Currency.named("USD"))),
            paymentMethod: card,
            confirm: true,
            metadata: ["order_id": "A-2001"],
            idempotencyKey: key
        )
    }

    @Test("a retry with the same key and parameters replays the first answer: one intent, one charge")
    func idempotentReplay() async throws {
        try await LocalStripeFixture.with { stripe in
            let first = try await Self.create(stripe)
            let again = try await Self.create(stripe)
            #expect(again == first && stripe.server.intentCount == 1)
            #expect(stripe.server.requests.map(\.idempotencyKey) == ["pay:A-2001:1", "pay:A-2001:1"])
        }
    }

    @Test("a replayed decline is the same decline, not a second attempt")
    func idempotentDecline() async throws {
        try await LocalStripeFixture.with { stripe in
            let card = "pm_card_chargeDeclined"
            let first = await #expect(throws: ProviderError.self) { try await Self.create(stripe, card: card) }
            let again = await #expect(throws: ProviderError.self) { try await Self.create(stripe, card: card) }
            #expect(first != nil && first == again && stripe.server.intentCount == 1)
        }
    }

    @Test("the same key with other parameters is a conflict, and charges nothing")
    func keyReusedOtherParameters() async throws {
        try await LocalStripeFixture.with { stripe in
            _ = try await Self.create(stripe)
            let error = await #expect(throws: ProviderError.self) { try await Self.create(stripe, amount: "1.00") }
            #expect(error?.code == .conflict && error?.httpStatus == 400)
            #expect(error?.message.contains("idempotency key") == true)
            #expect(stripe.server.intentCount == 1 && stripe.server.requests.count == 2, "a conflict is not retried")
        }
    }

    @Test("500 twice, then success: three attempts with the same key, backing off on the clock")
    func retriedUntilSuccess() async throws {
        try await LocalStripeFixture.with { stripe in
            stripe.server.failNext(2)
            let intent = try await Self.create(stripe)
            #expect(intent.status == .succeeded && stripe.server.intentCount == 1)
            let seen = stripe.server.requests
            #expect(seen.map(\.status) == [500, 500, 200])
            #expect(seen.allSatisfy { $0.idempotencyKey == "pay:A-2001:1" && $0.method == "POST" })
            // Default backoff: 0.5 s then 1 s, each jittered into its upper half.
            let sleeps = stripe.clock.sleeps
            #expect(sleeps.count == 2)
            #expect(sleeps.count == 2 && sleeps[0] >= .milliseconds(250) && sleeps[0] <= .milliseconds(500))
            #expect(sleeps.count == 2 && sleeps[1] >= .milliseconds(500) && sleeps[1] <= .seconds(1))
        }
    }

    @Test("500 on every attempt: unavailable, naming Stripe, after the bounded attempts")
    func unavailable() async throws {
        try await LocalStripeFixture.with { stripe in
            stripe.server.failNext(100)
            let error = await #expect(throws: ProviderError.self) { try await Self.create(stripe) }
            #expect(error?.code == .unavailable && error?.provider == "Stripe" && error?.httpStatus == 500)
            #expect(error?.message.hasPrefix("Stripe is unavailable") == true)
            #expect(stripe.server.requests.count == 3 && stripe.clock.sleeps.count == 2)
            #expect(stripe.server.intentCount == 0)
        }
    }

    @Test("409 is retried; Stripe-Should-Retry overrides the status both ways")
    func shouldRetryHeader() async throws {
        try await LocalStripeFixture.with { stripe in
            stripe.server.failNext(1, with: .status(409, shouldRetry: nil))
            stripe.server.failNext(1, with: .status(400, shouldRetry: true))
            _ = try await Self.create(stripe)
            #expect(stripe.server.requests.map(\.status) == [409, 400, 200])

            stripe.server.failNext(1, with: .status(503, shouldRetry: false))
            let error = await #expect(throws: ProviderError.self) { try await Self.create(stripe, key: "pay:A-2002:1") }
            #expect(error?.code == .unavailable && stripe.server.requests.count == 4)
        }
    }

    @Test("an answer that never comes: the timeout fires and the call is unavailable, naming Stripe")
    func timeout() async throws {
        let once = StripeClient.Config.Retries(maxAttempts: 1, initialBackoff: .seconds(1), maxBackoff: .seconds(1))
        try await LocalStripeFixture.with(retries: once, requestTimeout: .milliseconds(300)) { stripe in
            stripe.server.failNext(1, with: .hang)
            let error = await #expect(throws: ProviderError.self) { try await Self.create(stripe) }
            #expect(error?.code == .unavailable && error?.message.hasPrefix("Stripe did not answer") == true)
            #expect(stripe.server.intentCount == 0)
        }
    }

    @Test("a wrong secret key is misconfigured, is not retried, and no text shows the key")
    func wrongKey() async throws {
        let wrong = "sk_test_wrong_0123456789"
        try await LocalStripeFixture.with(key: wrong) { stripe in
            let error = await #expect(throws: ProviderError.self) { try await Self.create(stripe) }
            #expect(error?.code == .misconfigured && error?.httpStatus == 401)
            #expect(stripe.server.requests.count == 1)
            for text in [
                "\(String(describing: error))", "\(stripe.client)", "\(StripeSecretKey(wrong))",
                String(reflecting: StripeSecretKey(wrong)),
                String(describing: StripeClient.Config.defaults(secretKey: StripeSecretKey(wrong))),
            ] {
                #expect(!text.contains("0123456789"), "\(text)")
            }
        }
    }

    @Test("backoff doubles up to its cap, jittered into the upper half", arguments: [1, 2, 3, 4, 5, 6])
    func backoff(attempt: Int) {
        let retries = StripeClient.Config.Retries(
            maxAttempts: 7,
            initialBackoff: .milliseconds(500),
            maxBackoff: .seconds(5)
        )
        let base = min(Duration.milliseconds(500) * (1 << (attempt - 1)), .seconds(5))
        for _ in 0..<20 {
            let wait = retries.backoff(after: attempt)
            #expect(wait >= base / 2 && wait <= base)
        }
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SoukLocalProviders
import SoukMoney
import SoukPaymentProviders
import Testing

@Suite("The Stripe client against the local Stripe server")
struct StripeClientTests {
    static func amount(_ text: String, _ code: String = "USD") throws -> StripeAmount {
        try StripeAmount(Money(parsing: text, currency: try Currency.named(code)))
    }

    /// A manual-capture intent confirmed with a good card: authorized, waiting for a capture.
    static func authorize(
        _ stripe: LocalStripeFixture,
        _ amount: StripeAmount,
        key: String
    ) async throws
        -> StripePaymentIntent
    {
        try await stripe.client.createPaymentIntent(
            amount: amount,
            captureMethod: .manual,
            paymentMethod: "pm_card_visa",
            confirm: true,
            idempotencyKey: key
        )
    }

    @Test("create and confirm with a good card: succeeded, the money received, metadata echoed")
    func createAndConfirm() async throws {
        try await LocalStripeFixture.with { stripe in
            let intent = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("1499.00"),
                paymentMethod: "pm_card_visa",
                confirm: true,
                metadata: ["order_id": "A-1001", "attempt": "1"],
                idempotencyKey: "pay:A-1001:1"
            )
            #expect(intent.status == .succeeded && intent.captureMethod == .automatic)
            #expect(intent.amount == 149_900 && intent.amountReceived == 149_900 && intent.currency == "usd")
            #expect(intent.metadata == ["order_id": "A-1001", "attempt": "1"])
            #expect(intent.clientSecret?.hasPrefix(intent.id) == true && intent.created == SteppingTime.start)
            #expect(try await stripe.client.retrievePaymentIntent(intent.id) == intent)
        }
    }

    @Test("manual capture authorizes, then captures all or part", arguments: [nil, Int64(60_000)])
    func manualCapture(part: Int64?) async throws {
        try await LocalStripeFixture.with { stripe in
            let authorized = try await Self.authorize(stripe, try Self.amount("1499.00"), key: "pay:A-1002:1")
            #expect(authorized.status == .requiresCapture && authorized.amountCapturable == 149_900)
            #expect(authorized.amountReceived == 0)
            let captured = try await stripe.client.capture(
                paymentIntent: authorized.id,
                amountToCapture: part,
                idempotencyKey: "capture:A-1002:1"
            )
            #expect(captured.status == .succeeded && captured.amountReceived == part ?? 149_900)
            #expect(captured.amountCapturable == 0)
        }
    }

    @Test("capturing more than was authorized is invalid and names amount_to_capture")
    func captureTooMuch() async throws {
        try await LocalStripeFixture.with { stripe in
            let authorized = try await Self.authorize(stripe, try Self.amount("10.00"), key: "pay:A-1003:1")
            let error = await #expect(throws: ProviderError.self) {
                try await stripe.client.capture(
                    paymentIntent: authorized.id,
                    amountToCapture: 1_001,
                    idempotencyKey: "capture:A-1003:1"
                )
            }
            #expect(error?.code == .invalid && error?.param == "amount_to_capture")
            #expect(error?.message.contains("amount_to_capture") == true)
        }
    }

    @Test("a declined card: declined, with the decline code and Stripe's message; the intent awaits a new method")
    func declined() async throws {
        try await LocalStripeFixture.with { stripe in
            let error = await #expect(throws: ProviderError.self) {
                try await stripe.client.createPaymentIntent(
                    amount: try Self.amount("1499.00"),
                    paymentMethod: "pm_card_chargeDeclined",
                    confirm: true,
                    idempotencyKey: "pay:A-1004:1"
                )
            }
            #expect(error?.code == .declined && error?.declineCode == "generic_decline")
            #expect(error?.providerCode == "card_declined" && error?.httpStatus == 402)
            #expect(error?.message.contains("Your card was declined.") == true)
            #expect(error?.message.contains("Stripe") == true)
            #expect(stripe.server.intentCount == 1)
            #expect(stripe.server.requests.count == 1, "a decline is not retried")
        }
    }

    @Test("3-D Secure: requires_action with a redirect to the server; finishing it succeeds and returns")
    func threeDSecure() async throws {
        try await LocalStripeFixture.with { stripe in
            let intent = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("50.00", "EUR"),
                paymentMethod: "pm_card_threeDSecure2Required",
                confirm: true,
                returnURL: "https://shop.example/return?order=A-1005",
                idempotencyKey: "pay:A-1005:1"
            )
            #expect(intent.status == .requiresAction)
            let url = try #require(intent.redirectURL)
            #expect(url == "\(stripe.server.baseURL)/confirm/\(intent.id)")
            #expect(intent.nextAction?.redirectToURL?.returnURL == "https://shop.example/return?order=A-1005")

            let browser = HTTPClient(configuration: .init(redirectConfiguration: .disallow))
            let page: HTTPClientResponse
            do {
                page = try await browser.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
                try await browser.shutdown()
            } catch {
                try await browser.shutdown()
                throw error
            }
            #expect(page.status.code == 302)
            #expect(
                page.headers.first(name: "Location")
                    == "https://shop.example/return?order=A-1005&payment_intent=\(intent.id)"
            )
            let finished = try await stripe.client.retrievePaymentIntent(intent.id)
            #expect(finished.status == .succeeded && finished.amountReceived == 5_000 && finished.nextAction == nil)
        }
    }

    @Test("cancel releases an authorization, with the reason; an intent cancelled cannot be cancelled again")
    func cancel() async throws {
        try await LocalStripeFixture.with { stripe in
            let authorized = try await Self.authorize(stripe, try Self.amount("1500", "JPY"), key: "pay:A-1006:1")
            #expect(authorized.amount == 1_500 && authorized.currency == "jpy")
            let cancelled = try await stripe.client.cancel(
                paymentIntent: authorized.id,
                reason: "requested_by_customer",
                idempotencyKey: "cancel:A-1006:1"
            )
            #expect(cancelled.status == .canceled && cancelled.cancellationReason == "requested_by_customer")
            #expect(cancelled.amountCapturable == 0)
            let error = await #expect(throws: ProviderError.self) {
                try await stripe.client.cancel(paymentIntent: authorized.id, idempotencyKey: "cancel:A-1006:2")
            }
            #expect(error?.code == .invalid && error?.providerCode == "payment_intent_unexpected_state")
        }
    }

    @Test("refunds: a part, then more than remains (invalid, naming amount), then the rest")
    func refunds() async throws {
        try await LocalStripeFixture.with { stripe in
            let paid = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("1499.00", "RUB"),
                paymentMethod: "pm_card_visa",
                confirm: true,
                idempotencyKey: "pay:A-1007:1"
            )
            let part = try await stripe.client.createRefund(
                paymentIntent: paid.id,
                amount: 49_900,
                reason: "requested_by_customer",
                metadata: ["order_id": "A-1007"],
                idempotencyKey: "refund:A-1007:1"
            )
            #expect(part.status == "succeeded" && part.amount == 49_900 && part.currency == "rub")
            #expect(part.paymentIntent == paid.id && part.reason == "requested_by_customer")
            #expect(part.metadata == ["order_id": "A-1007"])
            let error = await #expect(throws: ProviderError.self) {
                try await stripe.client.createRefund(
                    paymentIntent: paid.id,
                    amount: 100_001,
                    idempotencyKey: "refund:A-1007:2"
                )
            }
            #expect(error?.code == .invalid && error?.param == "amount")
            #expect(error?.message.contains("(amount)") == true && error?.message.contains("100000") == true)
            let rest = try await stripe.client.createRefund(paymentIntent: paid.id, idempotencyKey: "refund:A-1007:3")
            #expect(rest.amount == 100_000)
        }
    }

    @Test("listing for reconciliation: a creation period, newest first, page by page")
    func list() async throws {
        try await LocalStripeFixture.with { stripe in
            var ids: [String] = []
            for index in 0..<4 {
                let intent = try await stripe.client.createPaymentIntent(
                    amount: try Self.amount("10.00"),
                    idempotencyKey: "pay:L-\(index):1"
                )
                ids.append(intent.id)
            }
            // Created at start, +100, +200, +300: the period takes the middle two.
            let from = Date(timeIntervalSince1970: TimeInterval(SteppingTime.start + 100))
            let to = Date(timeIntervalSince1970: TimeInterval(SteppingTime.start + 200))
            let first = try await stripe.client.listPaymentIntents(createdFrom: from, createdTo: to, limit: 1)
            #expect(first.data.map(\.id) == [ids[2]] && first.hasMore)
            let second = try await stripe.client.listPaymentIntents(
                createdFrom: from,
                createdTo: to,
                limit: 1,
                startingAfter: ids[2]
            )
            #expect(second.data.map(\.id) == [ids[1]] && !second.hasMore)
            let all = try await stripe.client.listPaymentIntents()
            #expect(all.data.map(\.id) == ids.reversed() && !all.hasMore)
        }
    }

    @Test("an unknown intent is not found; an id that is not Stripe's never reaches the wire")
    func notFound() async throws {
        try await LocalStripeFixture.with { stripe in
            let missing = await #expect(throws: ProviderError.self) {
                try await stripe.client.retrievePaymentIntent("pi_missing")
            }
            #expect(missing?.code == .notFound && missing?.httpStatus == 404)
            let odd = await #expect(throws: ProviderError.self) {
                try await stripe.client.retrievePaymentIntent("../v1/refunds")
            }
            #expect(odd?.code == .invalid && stripe.server.requests.count == 1)
        }
    }
}

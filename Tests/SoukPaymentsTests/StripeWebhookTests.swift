import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SoukLocalProviders
import SoukMoney
import SoukPaymentProviders
import SoukRetry
import Testing

@Suite("Stripe webhooks from the local Stripe server")
struct StripeWebhookTests {
    static let secret = "whsec_local_fixture"

    /// A fixture whose server sends its events to `inbox`, retrying on a clock that does not wait.
    static func with<Result: Sendable>(
        _ inbox: WebhookInbox = WebhookInbox(),
        _ body: (LocalStripeFixture, WebhookInbox, LocalWebhookDispatcher) async throws -> Result
    ) async throws -> Result {
        let webhooks = LocalStripeServer.Webhooks(
            destination: inbox.destination,
            secret: Self.secret,
            clock: SkippingClock()
        )
        return try await LocalStripeFixture.with(webhooks: webhooks) { stripe in
            try await body(stripe, inbox, try #require(stripe.server.webhooks))
        }
    }

    static func amount(_ text: String, _ code: String = "USD") throws -> StripeAmount {
        try StripeAmount(Money(parsing: text, currency: try Currency.named(code)))
    }

    /// The `t=` of a webhook's `Stripe-Signature`.
    static func signedAt(_ webhook: LocalWebhook) throws -> Int64 {
        let header = try #require(webhook.headers["Stripe-Signature"])
        let t = try #require(header.split(separator: ",").first { $0.hasPrefix("t=") })
        return try #require(Int64(t.dropFirst(2)))
    }

    /// Every webhook received, verified with the endpoint secret at the time it was signed.
    static func events(_ inbox: WebhookInbox) throws -> [StripeEvent] {
        try inbox.received.map { webhook in
            try StripeEvent.verified(
                payload: webhook.body,
                signatureHeader: webhook.headers["Stripe-Signature"],
                secret: Self.secret,
                now: Date(timeIntervalSince1970: Double(try Self.signedAt(webhook)))
            )
        }
    }

    static func intent(_ event: StripeEvent) -> StripePaymentIntent? {
        if case .paymentIntent(let intent) = event.object { intent } else { nil }
    }

    static func refund(_ event: StripeEvent) -> StripeRefund? {
        if case .refund(let refund) = event.object { refund } else { nil }
    }

    @Test("an event is signed with the endpoint secret at the server's now: it verifies with it, not with another")
    func signed() async throws {
        try await Self.with { stripe, inbox, webhooks in
            let intent = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("14.99"),
                paymentMethod: "pm_card_visa",
                confirm: true,
                idempotencyKey: "pay:W-1:1"
            )
            await webhooks.settle()
            let webhook = try #require(inbox.received.first)
            #expect(inbox.received.count == 1)
            #expect(try Self.signedAt(webhook) == SteppingTime.start, "the request's now")
            #expect(webhook.headers["Content-Type"] == "application/json; charset=utf-8")
            let header = webhook.headers["Stripe-Signature"]
            let signedAt = Date(timeIntervalSince1970: Double(SteppingTime.start))

            let event = try StripeEvent.verified(
                payload: webhook.body,
                signatureHeader: header,
                secret: Self.secret,
                now: signedAt.addingTimeInterval(299)
            )
            #expect(event.type == "payment_intent.succeeded" && event.id == webhook.eventID)
            #expect(event.id.hasPrefix("evt_") && event.created == SteppingTime.start)
            #expect(event.apiVersion == "2026-07-29.dahlia" && !event.livemode)
            #expect(Self.intent(event) == intent)

            let other = #expect(throws: StripeEventError.self) {
                try StripeEvent.verified(
                    payload: webhook.body,
                    signatureHeader: header,
                    secret: "whsec_other",
                    now: signedAt
                )
            }
            #expect(other?.code == .badSignature && other?.signature == .mismatch)
            var tampered = webhook.body
            tampered[tampered.count - 2] ^= 1
            let changed = #expect(throws: StripeEventError.self) {
                try StripeEvent.verified(payload: tampered, signatureHeader: header, secret: Self.secret, now: signedAt)
            }
            #expect(changed?.code == .badSignature)
            let stale = #expect(throws: StripeEventError.self) {
                try StripeEvent.verified(
                    payload: webhook.body,
                    signatureHeader: header,
                    secret: Self.secret,
                    now: signedAt.addingTimeInterval(301)
                )
            }
            #expect(stale?.code == .staleTimestamp && stale?.signature == .outsideTolerance(seconds: 301))
            let missing = #expect(throws: StripeEventError.self) {
                try StripeEvent.verified(
                    payload: webhook.body,
                    signatureHeader: nil,
                    secret: Self.secret,
                    now: signedAt
                )
            }
            #expect(missing?.code == .missingSignature)
            for error in [other, changed, stale, missing] {
                #expect(error.map { !"\($0)".contains(Self.secret) && !"\($0)".contains("whsec_other") } == true)
            }
        }
    }

    @Test("the envelope is Stripe's: evt_ id, object event, type, created, api_version, livemode, data.object")
    func envelope() async throws {
        try await Self.with { stripe, inbox, webhooks in
            let intent = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("14.99"),
                paymentMethod: "pm_card_visa",
                confirm: true,
                idempotencyKey: "pay:W-2:1"
            )
            await webhooks.settle()
            let body = try #require(inbox.received.first?.body)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            #expect(json["id"] as? String == inbox.received.first?.eventID)
            #expect(json["object"] as? String == "event" && json["type"] as? String == "payment_intent.succeeded")
            #expect(json["created"] as? Int == Int(SteppingTime.start))
            #expect(json["api_version"] as? String == "2026-07-29.dahlia")
            #expect(json["livemode"] as? Bool == false)
            let request = try #require(json["request"] as? [String: Any])
            #expect(request["idempotency_key"] as? String == "pay:W-2:1")
            let data = try #require(json["data"] as? [String: Any])
            let object = try #require(data["object"] as? [String: Any])
            #expect(object["object"] as? String == "payment_intent" && object["id"] as? String == intent.id)
            #expect(object["amount_received"] as? Int == 1_499)
        }
    }

    @Test("the webhook is sent after the API call, never inside it")
    func notInsideTheRequest() async throws {
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        let webhooks = LocalStripeServer.Webhooks(
            destination: .handler { _ in
                for await _ in gate { break }
                return 200
            },
            secret: Self.secret,
            clock: SkippingClock()
        )
        let once = StripeClient.Config.Retries(maxAttempts: 1, initialBackoff: .seconds(1), maxBackoff: .seconds(1))
        try await LocalStripeFixture.with(retries: once, requestTimeout: .seconds(20), webhooks: webhooks) { stripe in
            // The destination does not answer until the gate opens, which happens only once the call returned.
            let intent = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("14.99"),
                paymentMethod: "pm_card_visa",
                confirm: true,
                idempotencyKey: "pay:W-3:1"
            )
            #expect(intent.status == .succeeded)
            open.yield()
            open.finish()
            let dispatcher = try #require(stripe.server.webhooks)
            await dispatcher.settle()
            #expect(dispatcher.delivered.count == 1)
        }
    }

    @Test("3-D Secure: requires_action, then succeeded once the customer passes the page")
    func threeDSecure() async throws {
        try await Self.with { stripe, inbox, webhooks in
            let intent = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("50.00", "EUR"),
                paymentMethod: "pm_card_threeDSecure2Required",
                confirm: true,
                idempotencyKey: "pay:W-4:1"
            )
            await webhooks.settle()
            #expect(try Self.events(inbox).map(\.type) == ["payment_intent.requires_action"])
            let url = try #require(intent.redirectURL)
            let page = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
            _ = try await page.body.collect(upTo: 1 << 16)
            #expect(page.status.code == 200)
            await webhooks.settle()
            let events = try Self.events(inbox)
            #expect(events.map(\.type) == ["payment_intent.requires_action", "payment_intent.succeeded"])
            #expect(events.map { Self.intent($0)?.id } == [intent.id, intent.id])
            #expect(Self.intent(events[0])?.redirectURL == url)
            #expect(Self.intent(events[1])?.status == .succeeded && Self.intent(events[1])?.amountReceived == 5_000)
            #expect(Set(events.map(\.id)).count == 2, "each event has its own id")
        }
    }

    @Test("authorize, capture, cancel, decline and confirm: one event for each change, with the object as it became")
    func paymentIntentEvents() async throws {
        try await Self.with { stripe, inbox, webhooks in
            let held = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("10.00"),
                captureMethod: .manual,
                paymentMethod: "pm_card_visa",
                confirm: true,
                idempotencyKey: "pay:W-5:1"
            )
            _ = try await stripe.client.capture(paymentIntent: held.id, idempotencyKey: "capture:W-5:1")
            let other = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("10.00"),
                captureMethod: .manual,
                paymentMethod: "pm_card_visa",
                confirm: true,
                idempotencyKey: "pay:W-6:1"
            )
            _ = try await stripe.client.cancel(paymentIntent: other.id, idempotencyKey: "cancel:W-6:1")
            await #expect(throws: ProviderError.self) {
                try await stripe.client.createPaymentIntent(
                    amount: try Self.amount("10.00"),
                    paymentMethod: "pm_card_chargeDeclined",
                    confirm: true,
                    idempotencyKey: "pay:W-7:1"
                )
            }
            let unconfirmed = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("10.00"),
                idempotencyKey: "pay:W-8:1"
            )
            _ = try await stripe.client.confirmPaymentIntent(
                unconfirmed.id,
                paymentMethod: "pm_card_visa",
                idempotencyKey: "confirm:W-8:1"
            )
            await webhooks.settle()
            let events = try Self.events(inbox)
            #expect(
                events.map(\.type) == [
                    "payment_intent.amount_capturable_updated", "payment_intent.succeeded",
                    "payment_intent.amount_capturable_updated", "payment_intent.canceled",
                    "payment_intent.payment_failed", "payment_intent.succeeded",
                ]
            )
            let intents = events.compactMap(Self.intent)
            #expect(intents.count == 6)
            #expect(
                intents.map(\.status) == [
                    .requiresCapture, .succeeded, .requiresCapture, .canceled, .requiresPaymentMethod, .succeeded,
                ]
            )
            #expect(intents[0].amountCapturable == 1_000 && intents[1].amountReceived == 1_000)
            #expect(intents[4].lastPaymentError?.declineCode == "generic_decline")
            #expect(intents[5].id == unconfirmed.id)
        }
    }

    @Test("refund.created carries the refund and its payment_intent; a refund that fails later is refund.updated")
    func refundEvents() async throws {
        try await Self.with { stripe, inbox, webhooks in
            let paid = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("30.00"),
                paymentMethod: "pm_card_visa",
                confirm: true,
                idempotencyKey: "pay:W-9:1"
            )
            let refund = try await stripe.client.createRefund(
                paymentIntent: paid.id,
                amount: 1_000,
                idempotencyKey: "refund:W-9:1"
            )
            let doomed = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("30.00"),
                paymentMethod: "pm_card_refundFail",
                confirm: true,
                idempotencyKey: "pay:W-10:1"
            )
            let failing = try await stripe.client.createRefund(
                paymentIntent: doomed.id,
                idempotencyKey: "refund:W-10:1"
            )
            #expect(failing.status == "succeeded", "answered as it stood when created")
            await webhooks.settle()
            let events = try Self.events(inbox)
            #expect(
                events.map(\.type) == [
                    "payment_intent.succeeded", "refund.created", "payment_intent.succeeded", "refund.created",
                    "refund.updated", "refund.failed",
                ]
            )
            #expect(Self.refund(events[1]) == refund && Self.refund(events[1])?.paymentIntent == paid.id)
            #expect(Self.refund(events[3]) == failing)
            let updated = try #require(Self.refund(events[4]))
            #expect(updated.id == failing.id && updated.paymentIntent == doomed.id)
            #expect(updated.status == "failed" && updated.failureReason == "expired_or_canceled_card")
            #expect(try await stripe.client.retrieveRefund(failing.id) == updated)
        }
    }

    @Test("a replayed request sends no event again; a refused one sends none")
    func replayAndRefusal() async throws {
        try await Self.with { stripe, inbox, webhooks in
            for _ in 0..<2 {
                _ = try await stripe.client.createPaymentIntent(
                    amount: try Self.amount("14.99"),
                    paymentMethod: "pm_card_visa",
                    confirm: true,
                    idempotencyKey: "pay:W-11:1"
                )
            }
            await #expect(throws: ProviderError.self) {
                try await stripe.client.createRefund(
                    paymentIntent: "pi_missing",
                    idempotencyKey: "refund:W-11:1"
                )
            }
            await webhooks.settle()
            #expect(inbox.received.count == 1 && stripe.server.requests.count == 3)
        }
    }

    @Test("duplicate: the same event delivered twice, same id, same bytes; both verify")
    func duplicate() async throws {
        try await Self.with { stripe, inbox, webhooks in
            webhooks.isDuplicating = true
            _ = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("14.99"),
                paymentMethod: "pm_card_visa",
                confirm: true,
                idempotencyKey: "pay:W-12:1"
            )
            await webhooks.settle()
            let events = try Self.events(inbox)
            #expect(events.count == 2 && events[0] == events[1])
            #expect(inbox.received.count == 2 && inbox.received[0] == inbox.received[1])
        }
    }

    @Test("held, then released reversed: succeeded arrives before amount_capturable_updated")
    func outOfOrder() async throws {
        try await Self.with { stripe, inbox, webhooks in
            webhooks.hold()
            let held = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("10.00"),
                captureMethod: .manual,
                paymentMethod: "pm_card_visa",
                confirm: true,
                idempotencyKey: "pay:W-13:1"
            )
            _ = try await stripe.client.capture(paymentIntent: held.id, idempotencyKey: "capture:W-13:1")
            await webhooks.settle()
            #expect(inbox.received.isEmpty && webhooks.held.count == 2)
            webhooks.release(order: .reversed)
            await webhooks.settle()
            let events = try Self.events(inbox)
            #expect(events.map(\.type) == ["payment_intent.succeeded", "payment_intent.amount_capturable_updated"])
            #expect(events[0].created > events[1].created, "created tells the true order")
        }
    }

    @Test("an endpoint answering 500 gets the event again, then acknowledges it")
    func retried() async throws {
        let inbox = WebhookInbox(answers: ["evt_local00000001": [500]])
        try await Self.with(inbox) { stripe, inbox, webhooks in
            _ = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("14.99"),
                paymentMethod: "pm_card_visa",
                confirm: true,
                idempotencyKey: "pay:W-14:1"
            )
            await webhooks.settle()
            #expect(webhooks.attempts.map(\.outcome) == [.status(500), .status(200)])
            #expect(inbox.eventIDs == ["evt_local00000001", "evt_local00000001"])
            #expect(webhooks.delivered.map(\.eventID) == ["evt_local00000001"])
        }
    }

    @Test("stopping the server abandons held webhooks, and says so")
    func stopped() async throws {
        let inbox = WebhookInbox()
        let dispatcher = try await Self.with(inbox) { stripe, _, webhooks in
            webhooks.hold()
            _ = try await stripe.client.createPaymentIntent(
                amount: try Self.amount("14.99"),
                paymentMethod: "pm_card_visa",
                confirm: true,
                idempotencyKey: "pay:W-15:1"
            )
            return webhooks
        }
        #expect(dispatcher.abandoned.count == 1 && dispatcher.held.isEmpty && inbox.received.isEmpty)
    }

    @Test("over HTTP to a real endpoint: the receiver verifies what arrived, byte for byte")
    func overHTTP() async throws {
        try await WebhookReceiver.with { receiver, url in
            let webhooks = LocalStripeServer.Webhooks(
                destination: .url(url),
                secret: Self.secret,
                clock: SkippingClock()
            )
            try await LocalStripeFixture.with(webhooks: webhooks) { stripe in
                let intent = try await stripe.client.createPaymentIntent(
                    amount: try Self.amount("14.99"),
                    captureMethod: .manual,
                    paymentMethod: "pm_card_visa",
                    confirm: true,
                    idempotencyKey: "pay:W-16:1"
                )
                await stripe.server.webhooks?.settle()
                let received = try #require(receiver.received.first)
                #expect(receiver.received.count == 1)
                let event = try StripeEvent.verified(
                    payload: received.body,
                    signatureHeader: received.headers["stripe-signature"],
                    secret: Self.secret,
                    now: Date(timeIntervalSince1970: Double(SteppingTime.start))
                )
                #expect(event.type == "payment_intent.amount_capturable_updated" && Self.intent(event) == intent)
                #expect(received.headers["content-type"] == "application/json; charset=utf-8")
            }
        }
    }
}

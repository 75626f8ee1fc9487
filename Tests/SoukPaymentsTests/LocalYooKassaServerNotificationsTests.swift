import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SoukLocalProviders
import SoukPaymentProviders
import Synchronization
import Testing

@Suite("The local YooKassa server's notifications, through the webhook dispatcher")
struct LocalYooKassaServerNotificationsTests {
    /// What a receiver got, in order, and the statuses it answers with (200 when none is left).
    final class Receiver: Sendable {
        private let state = Mutex<(received: [LocalWebhook], answers: [Int])>(([], []))

        init(answers: [Int] = []) { self.state.withLock { $0.answers = answers } }

        var received: [LocalWebhook] { self.state.withLock { $0.received } }

        /// The notifications received, decoded.
        func notifications() throws -> [YooKassaNotification] {
            try self.received.map { try YooKassaNotification(decoding: $0.body) }
        }

        func receive(_ webhook: LocalWebhook) -> Int {
            self.state.withLock { state in
                state.received.append(webhook)
                return state.answers.isEmpty ? 200 : state.answers.removeFirst()
            }
        }
    }

    /// A server sending notifications to `receiver` (retries waiting on a skipping clock) and a client for it.
    static func with<Result: Sendable>(
        _ receiver: Receiver,
        _ body: (LocalYooKassaServer, YooKassaClient, SkippingClock) async throws -> Result
    ) async throws -> Result {
        let clock = SkippingClock()
        let config = LocalYooKassaServer.Config(
            shopID: LocalYooKassaFixture.shopID,
            secretKey: LocalYooKassaFixture.secretKey,
            notifications: .init(destination: .handler { receiver.receive($0) }, clock: clock)
        )
        return try await LocalYooKassaServer.withLocalYooKassa(config: config) { server in
            let client = YooKassaClient(
                httpClient: .shared,
                config: .init(
                    baseURL: server.baseURL,
                    shopID: LocalYooKassaFixture.shopID,
                    secretKey: YooKassaSecretKey(LocalYooKassaFixture.secretKey)
                ),
                clock: SkippingClock()
            )
            return try await body(server, client, clock)
        }
    }

    static func create(_ client: YooKassaClient, capture: Bool, key: String) async throws -> YooKassaPayment {
        try await client.createPayment(
            amount: try LocalYooKassaFixture.amount("1499.00"),
            capture: capture,
            returnURL: "https://shop.example/return/A-5001",
            metadata: ["order_id": "A-5001"],
            idempotencyKey: key
        )
    }

    @Test("two stages: waiting_for_capture, succeeded, refund.succeeded, each with the whole object, unsigned")
    func twoStages() async throws {
        let receiver = Receiver()
        try await Self.with(receiver) { server, client, _ in
            let created = try await Self.create(client, capture: false, key: "pay:A-5001:1")
            try server.confirm(created.id)
            _ = try await client.capturePayment(
                created.id,
                amount: try LocalYooKassaFixture.amount("1000.00"),
                idempotencyKey: "capture:A-5001:1"
            )
            let refund = try await client.createRefund(
                paymentID: created.id,
                amount: try LocalYooKassaFixture.amount("400.00"),
                idempotencyKey: "refund:A-5001:1"
            )
            await server.notifications?.settle()

            let notifications = try receiver.notifications()
            #expect(notifications.map(\.event) == [.paymentWaitingForCapture, .paymentSucceeded, .refundSucceeded])
            guard notifications.count == 3, case .payment(let held) = notifications[0].object,
                case .payment(let captured) = notifications[1].object,
                case .refund(let refunded) = notifications[2].object
            else {
                Issue.record("unexpected objects: \(notifications)")
                return
            }
            #expect(held.id == created.id && held.status == .waitingForCapture && held.paid)
            #expect(held.amount.value == "1499.00" && held.metadata == ["order_id": "A-5001"])
            #expect(captured.status == .succeeded && captured.amount.value == "1000.00" && captured.capturedAt != nil)
            #expect(refunded == refund && refunded.paymentID == created.id && refunded.amount.value == "400.00")

            let webhooks = receiver.received
            #expect(
                webhooks.map(\.eventID) == [
                    "payment.waiting_for_capture:\(created.id)", "payment.succeeded:\(created.id)",
                    "refund.succeeded:\(refund.id)",
                ]
            )
            #expect(webhooks.allSatisfy { $0.headers == ["Content-Type": "application/json; charset=utf-8"] })
            #expect(server.notifications?.delivered.count == 3)
        }
    }

    @Test("one stage through the page: payment.succeeded only")
    func oneStage() async throws {
        let receiver = Receiver()
        try await Self.with(receiver) { server, client, _ in
            let created = try await Self.create(client, capture: true, key: "pay:A-5002:1")
            let page = try await YooKassaClientTests.open(try #require(created.confirmationURL))
            #expect(page.status.code == 303)
            await server.notifications?.settle()
            let notifications = try receiver.notifications()
            #expect(notifications.map(\.event) == [.paymentSucceeded])
            #expect(notifications.first?.object.id == created.id)
        }
    }

    @Test("a decline and a merchant's cancel: payment.canceled with who and why")
    func canceled() async throws {
        let receiver = Receiver()
        try await Self.with(receiver) { server, client, _ in
            let declined = try await Self.create(client, capture: false, key: "pay:A-5003:1")
            try server.confirm(declined.id, decline: "fraud_suspected")
            let held = try await Self.create(client, capture: false, key: "pay:A-5003:2")
            try server.confirm(held.id)
            _ = try await client.cancelPayment(held.id, idempotencyKey: "cancel:A-5003:2")
            await server.notifications?.settle()

            let notifications = try receiver.notifications()
            #expect(notifications.map(\.event) == [.paymentCanceled, .paymentWaitingForCapture, .paymentCanceled])
            let details = notifications.compactMap { notification -> YooKassaPayment.CancellationDetails? in
                guard case .payment(let payment) = notification.object else { return nil }
                return payment.cancellationDetails
            }
            #expect(
                details == [
                    .init(party: "payment_network", reason: "fraud_suspected"),
                    .init(party: "merchant", reason: "canceled_by_merchant"),
                ]
            )
        }
    }

    @Test("a replayed or refused request notifies nothing more")
    func replayAndRefusalSilent() async throws {
        let receiver = Receiver()
        try await Self.with(receiver) { server, client, _ in
            let created = try await Self.create(client, capture: false, key: "pay:A-5004:1")
            try server.confirm(created.id)
            for _ in 0..<2 {
                _ = try await client.capturePayment(created.id, idempotencyKey: "capture:A-5004:1")
            }
            _ = await #expect(throws: ProviderError.self) {
                try await client.capturePayment(created.id, idempotencyKey: "capture:A-5004:2")
            }
            await server.notifications?.settle()
            #expect(try receiver.notifications().map(\.event) == [.paymentWaitingForCapture, .paymentSucceeded])
        }
    }

    @Test("a receiver failing twice gets the notification again, on the dispatcher's clock")
    func redelivered() async throws {
        let receiver = Receiver(answers: [500, 503])
        try await Self.with(receiver) { server, client, clock in
            let created = try await Self.create(client, capture: true, key: "pay:A-5005:1")
            try server.confirm(created.id)
            await server.notifications?.settle()
            let eventID = "payment.succeeded:\(created.id)"
            #expect(receiver.received.map(\.eventID) == [eventID, eventID, eventID])
            #expect(server.notifications?.attempts.map(\.outcome) == [.status(500), .status(503), .status(200)])
            #expect(clock.sleeps == [.seconds(1), .seconds(2)])
        }
    }

    @Test("late and out of order: the receiver that re-reads the payment still sees the truth")
    func outOfOrder() async throws {
        let receiver = Receiver()
        try await Self.with(receiver) { server, client, _ in
            server.notifications?.hold()
            let created = try await Self.create(client, capture: false, key: "pay:A-5006:1")
            try server.confirm(created.id)
            _ = try await client.capturePayment(created.id, idempotencyKey: "capture:A-5006:1")
            #expect(receiver.received.isEmpty && server.notifications?.held.count == 2)
            server.notifications?.release(order: .reversed)
            await server.notifications?.settle()

            let notifications = try receiver.notifications()
            #expect(notifications.map(\.event) == [.paymentSucceeded, .paymentWaitingForCapture])
            // The last notification says waiting_for_capture; the payment, re-read, has succeeded.
            let last = try #require(notifications.last?.object.id)
            #expect(try await client.getPayment(last).status == .succeeded)
        }
    }

    @Test("duplicated: the same notification twice, under the same event id")
    func duplicated() async throws {
        let receiver = Receiver()
        try await Self.with(receiver) { server, client, _ in
            server.notifications?.isDuplicating = true
            let created = try await Self.create(client, capture: true, key: "pay:A-5007:1")
            try server.confirm(created.id)
            await server.notifications?.settle()
            let webhooks = receiver.received
            #expect(webhooks.count == 2 && webhooks.first == webhooks.last)
            #expect(webhooks.first?.eventID == "payment.succeeded:\(created.id)")
        }
    }

    @Test("without a destination the server notifies nobody")
    func none() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            #expect(yookassa.server.notifications == nil)
            let created = try await yookassa.client.createPayment(
                amount: try LocalYooKassaFixture.amount("1.00"),
                capture: true,
                returnURL: "https://shop.example/r",
                idempotencyKey: "pay:A-5008:1"
            )
            #expect(try yookassa.server.confirm(created.id).status == .succeeded)
        }
    }
}

import Foundation
import SoukLocalProviders
import SoukMoney
import SoukPaymentProviders
import Testing

@Suite("The YooKassa client's idempotence, retries and errors")
struct YooKassaClientRetryTests {
    static func create(
        _ yookassa: LocalYooKassaFixture,
        key: String = "pay:A-4001:1",
        amount: String = "1499.00",
        currency: String = "RUB"
    ) async throws -> YooKassaPayment {
        try await yookassa.client.createPayment(
            amount: try LocalYooKassaFixture.amount(amount, currency),
            capture: true,
            returnURL: "https://shop.example/return/A-4001",
            metadata: ["order_id": "A-4001"],
            idempotencyKey: key
        )
    }

    @Test("a repeat with the same key and body replays the first answer: one payment")
    func idempotentReplay() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let first = try await Self.create(yookassa)
            let again = try await Self.create(yookassa)
            #expect(again == first && yookassa.server.paymentCount == 1)
            #expect(yookassa.server.requests.map(\.idempotenceKey) == ["pay:A-4001:1", "pay:A-4001:1"])
            #expect(yookassa.server.requests.map(\.status) == [200, 200])
        }
    }

    @Test("the same key with another body is a conflict, is not retried, and creates nothing")
    func keyReusedOtherBody() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            _ = try await Self.create(yookassa)
            let error = await #expect(throws: ProviderError.self) { try await Self.create(yookassa, amount: "1.00") }
            #expect(error?.code == .conflict && error?.httpStatus == 400 && error?.param == "Idempotence-Key")
            #expect(error?.message.contains("idempotence key") == true)
            #expect(yookassa.server.paymentCount == 1 && yookassa.server.requests.count == 2)
        }
    }

    @Test("202 processing twice: repeated after retry_after on the clock, with the same key, then done")
    func processingHonoured() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            yookassa.server.failNext(1, with: .processing(retryAfterMs: 1_200))
            yookassa.server.failNext(1, with: .processing(retryAfterMs: 700))
            let payment = try await Self.create(yookassa)
            #expect(payment.status == .pending && yookassa.server.paymentCount == 1)
            let seen = yookassa.server.requests
            #expect(seen.map(\.status) == [202, 202, 200])
            #expect(seen.allSatisfy { $0.idempotenceKey == "pay:A-4001:1" && $0.method == "POST" })
            #expect(Set(seen.map(\.body)).count == 1, "the same body every time")
            #expect(yookassa.clock.sleeps == [.milliseconds(1_200), .milliseconds(700)])
        }
    }

    @Test("202 on every attempt: unavailable, naming YooKassa, after the bounded attempts")
    func processingForever() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            yookassa.server.failNext(10, with: .processing(retryAfterMs: 500))
            let error = await #expect(throws: ProviderError.self) { try await Self.create(yookassa) }
            #expect(error?.code == .unavailable && error?.provider == "YooKassa" && error?.httpStatus == 202)
            #expect(error?.message.contains("still processing") == true)
            #expect(
                yookassa.server.requests.count == 3
                    && yookassa.clock.sleeps == [.milliseconds(500), .milliseconds(500)]
            )
            #expect(yookassa.server.paymentCount == 0)
        }
    }

    @Test("500 twice, then success: three attempts with the same key, backing off on the clock")
    func retriedUntilSuccess() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            yookassa.server.failNext(2, with: .status(500))
            let payment = try await Self.create(yookassa)
            #expect(payment.amount.value == "1499.00" && yookassa.server.paymentCount == 1)
            let seen = yookassa.server.requests
            #expect(seen.map(\.status) == [500, 500, 200])
            #expect(seen.map(\.idempotenceKey) == Array(repeating: "pay:A-4001:1", count: 3))
            // Default backoff: 1 s then 2 s, each jittered into its upper half.
            let sleeps = yookassa.clock.sleeps
            #expect(sleeps.count == 2)
            #expect(sleeps.count == 2 && sleeps[0] >= .milliseconds(500) && sleeps[0] <= .seconds(1))
            #expect(sleeps.count == 2 && sleeps[1] >= .seconds(1) && sleeps[1] <= .seconds(2))
        }
    }

    @Test("500 on every attempt: unavailable, naming YooKassa and the status")
    func unavailable() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            yookassa.server.failNext(100, with: .status(500))
            let error = await #expect(throws: ProviderError.self) { try await Self.create(yookassa) }
            #expect(error?.code == .unavailable && error?.provider == "YooKassa" && error?.httpStatus == 500)
            #expect(error?.message.hasPrefix("YooKassa is unavailable (HTTP 500)") == true)
            #expect(error?.providerCode == "internal_server_error")
            #expect(yookassa.server.requests.count == 3 && yookassa.clock.sleeps.count == 2)
        }
    }

    @Test("429 is retried; a 400 is not")
    func rateLimitedThenRefused() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            yookassa.server.failNext(1, with: .status(429))
            _ = try await Self.create(yookassa)
            #expect(yookassa.server.requests.map(\.status) == [429, 200])

            yookassa.server.failNext(1, with: .status(400))
            let error = await #expect(throws: ProviderError.self) { try await Self.create(yookassa, key: "k2") }
            #expect(error?.code == .invalid && yookassa.server.requests.count == 3)
        }
    }

    @Test("an answer that never comes: the timeout fires and the call is unavailable, naming YooKassa")
    func hang() async throws {
        let once = YooKassaClient.Config.Retries(maxAttempts: 1, initialBackoff: .seconds(1), maxBackoff: .seconds(1))
        try await LocalYooKassaFixture.with(retries: once, requestTimeout: .milliseconds(300)) { yookassa in
            yookassa.server.failNext(1, with: .hang)
            let error = await #expect(throws: ProviderError.self) { try await Self.create(yookassa) }
            #expect(error?.code == .unavailable && error?.provider == "YooKassa")
            #expect(error?.message.hasPrefix("YooKassa did not answer") == true)
            #expect(yookassa.server.paymentCount == 0)
        }
    }

    @Test("a hang, then an answer: the retry after the timeout uses the same key and creates one payment")
    func hangThenAnswer() async throws {
        // Generous: the answering retry must finish within one attempt's timeout on a loaded machine too.
        try await LocalYooKassaFixture.with(requestTimeout: .seconds(20)) { yookassa in
            yookassa.server.failNext(1, with: .hang)
            let payment = try await Self.create(yookassa)
            #expect(payment.status == .pending && yookassa.server.paymentCount == 1)
            #expect(yookassa.clock.sleeps.count == 1)
        }
    }

    @Test("currencies other than RUB are refused, naming amount.currency", arguments: ["USD", "EUR"])
    func notRoubles(currency: String) async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let error = await #expect(throws: ProviderError.self) {
                try await Self.create(yookassa, amount: "10.00", currency: currency)
            }
            #expect(error?.code == .invalid && error?.param == "amount.currency" && error?.httpStatus == 400)
            #expect(error?.message.contains(currency) == true && yookassa.server.paymentCount == 0)
        }
    }

    @Test("wrong credentials are misconfigured, are not retried, and no text shows the secret")
    func wrongCredentials() async throws {
        let wrong = "test_wrong_0123456789abcdef"
        for (shop, key) in [(LocalYooKassaFixture.shopID, wrong), ("999999", LocalYooKassaFixture.secretKey)] {
            try await LocalYooKassaFixture.with(shopID: shop, key: key) { yookassa in
                let error = await #expect(throws: ProviderError.self) { try await Self.create(yookassa) }
                #expect(error?.code == .misconfigured && error?.httpStatus == 401)
                #expect(error?.providerCode == "invalid_credentials")
                #expect(yookassa.server.requests.count == 1 && yookassa.server.paymentCount == 0)
            }
        }
    }

    @Test("the secret key shows in no description, debug description, mirror or error")
    func secretNeverShown() async throws {
        let secret = LocalYooKassaFixture.secretKey
        let hidden = "Fh8hUAVVBGUGbjmlzba6TB0iyUbos"
        try await LocalYooKassaFixture.with { yookassa in
            yookassa.server.failNext(3, with: .status(500))
            let error = await #expect(throws: ProviderError.self) { try await Self.create(yookassa) }
            let config = YooKassaClient.Config.defaults(shopID: "506751", secretKey: YooKassaSecretKey(secret))
            let texts = [
                "\(String(describing: error))", String(reflecting: error as Any), "\(yookassa.client)",
                String(reflecting: yookassa.client), "\(YooKassaSecretKey(secret))",
                String(reflecting: YooKassaSecretKey(secret)), String(describing: config), String(reflecting: config),
                "\(Mirror(reflecting: YooKassaSecretKey(secret)).children.map { "\($0.value)" })",
            ]
            for text in texts {
                #expect(!text.contains(hidden), "\(text)")
            }
            #expect("\(YooKassaSecretKey(secret))" == "test_(redacted)")
            #expect("\(YooKassaSecretKey("live_abc"))" == "(redacted)")
        }
    }

    @Test("retry_after is honoured up to its bound; none means the default wait")
    func retryAfterBounds() {
        let retries = YooKassaClient.Config.Retries(
            maxAttempts: 3,
            initialBackoff: .seconds(1),
            maxBackoff: .seconds(10),
            defaultRetryAfter: .milliseconds(1_800),
            maxRetryAfter: .seconds(5)
        )
        #expect(retries.retryAfter(milliseconds: 250) == .milliseconds(250))
        #expect(retries.retryAfter(milliseconds: 60_000) == .seconds(5))
        #expect(retries.retryAfter(milliseconds: nil) == .milliseconds(1_800))
        #expect(retries.retryAfter(milliseconds: -1) == .milliseconds(1_800))
    }

    @Test(
        "an idempotence key YooKassa would refuse never reaches the wire",
        arguments: ["", "a b", String(repeating: "k", count: 65)]
    )
    func badKey(key: String) async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let error = await #expect(throws: ProviderError.self) { try await Self.create(yookassa, key: key) }
            #expect(error?.code == .invalid && error?.param == "Idempotence-Key")
            #expect(yookassa.server.requests.isEmpty)
        }
    }
}

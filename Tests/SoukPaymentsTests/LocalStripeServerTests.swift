import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SoukLocalProviders
import SoukPaymentProviders
import Testing

@Suite("The local Stripe server's contract, over raw HTTP")
struct LocalStripeServerTests {
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        var error: StripeErrorObject? {
            try? JSONDecoder().decode(StripeErrorBody.self, from: Data(self.body.utf8)).error
        }
    }

    static func post(
        _ server: LocalStripeServer,
        _ path: String,
        _ body: String,
        key: String? = nil,
        authorization: String? = "Bearer \(LocalStripeFixture.secretKey)"
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: server.baseURL + path)
        request.method = .POST
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let key { request.headers.add(name: "Idempotency-Key", value: key) }
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    @Test(
        "create refuses what Stripe refuses, naming the param",
        arguments: [
            ("currency=usd", "amount", "parameter_missing"),
            ("amount=12x&currency=usd", "amount", "parameter_invalid_integer"),
            ("amount=100", "currency", "parameter_missing"),
            ("amount=100&currency=xyz", "currency", "parameter_invalid_string"),
            ("amount=100&currency=USD", "currency", "parameter_invalid_string"),
            ("amount=0&currency=usd", "amount", "amount_too_small"),
            ("amount=100000000&currency=usd", "amount", "amount_too_large"),
            ("amount=5125&currency=kwd", "amount", "parameter_invalid_integer"),
            ("amount=100&currency=usd&capture_method=later", "capture_method", "parameter_invalid_string"),
            ("amount=100&currency=usd&payment_method=pm_nope", "payment_method", "resource_missing"),
            ("amount=100&currency=usd&confirm=true", "payment_method", "parameter_missing"),
        ]
    )
    func validation(body: String, param: String, code: String) async throws {
        try await LocalStripeFixture.with { stripe in
            let answer = try await Self.post(stripe.server, "/v1/payment_intents", body)
            #expect(answer.status == 400 && answer.error?.type == "invalid_request_error", "\(answer.body)")
            #expect(answer.error?.param == param && answer.error?.code == code, "\(answer.body)")
            #expect(stripe.server.intentCount == 0)
        }
    }

    @Test("a refusal by validation is not stored under its key: the corrected request runs")
    func refusalNotStored() async throws {
        try await LocalStripeFixture.with { stripe in
            let refused = try await Self.post(stripe.server, "/v1/payment_intents", "currency=usd", key: "k1")
            #expect(refused.status == 400)
            let created = try await Self.post(
                stripe.server,
                "/v1/payment_intents",
                "amount=100&currency=usd",
                key: "k1"
            )
            #expect(created.status == 200 && stripe.server.intentCount == 1)
            let replay = try await Self.post(stripe.server, "/v1/payment_intents", "currency=usd&amount=100", key: "k1")
            #expect(replay.body == created.body && replay.headers.first(name: "Idempotent-Replayed") == "true")
        }
    }

    @Test("every /v1 call needs the bearer key; the answer never echoes what was sent")
    func authentication() async throws {
        try await LocalStripeFixture.with { stripe in
            for authorization in [nil, "Bearer sk_test_guess_42", "Basic c2s6"] {
                let answer = try await Self.post(
                    stripe.server,
                    "/v1/payment_intents",
                    "amount=100&currency=usd",
                    authorization: authorization
                )
                #expect(answer.status == 401 && answer.error?.type == "authentication_error")
                #expect(!answer.body.contains("guess"))
            }
            #expect(stripe.server.intentCount == 0)
        }
    }

    @Test("an unknown path is a 404 invalid_request_error")
    func unknownPath() async throws {
        try await LocalStripeFixture.with { stripe in
            let answer = try await Self.post(stripe.server, "/v1/charges", "amount=100")
            #expect(answer.status == 404 && answer.error?.type == "invalid_request_error")
        }
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SoukLocalProviders
import SoukPaymentProviders
import Testing

@Suite("The local YooKassa server's contract, over raw HTTP")
struct LocalYooKassaServerTests {
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        var error: YooKassaErrorBody? {
            try? JSONDecoder().decode(YooKassaErrorBody.self, from: Data(self.body.utf8))
        }
    }

    static let basic =
        "Basic " + Data("\(LocalYooKassaFixture.shopID):\(LocalYooKassaFixture.secretKey)".utf8).base64EncodedString()
    static let good =
        #"{"amount":{"value":"100.00","currency":"RUB"},"confirmation":{"type":"redirect","return_url":"https://shop.example/r"}}"#

    static func send(
        _ server: LocalYooKassaServer,
        _ path: String,
        _ body: String = "",
        method: HTTPMethod = .POST,
        key: String? = nil,
        authorization: String? = Self.basic
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: server.baseURL + path)
        request.method = method
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let key { request.headers.add(name: "Idempotence-Key", value: key) }
        if method == .POST {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    @Test(
        "create refuses what YooKassa refuses, naming the parameter",
        arguments: [
            (#"{"confirmation":{"type":"redirect","return_url":"https://s.example/r"}}"#, "amount"),
            (
                #"{"amount":{"currency":"RUB"},"confirmation":{"type":"redirect","return_url":"https://s.example/r"}}"#,
                "amount.value"
            ),
            (
                #"{"amount":{"value":"1.00","currency":"EUR"},"confirmation":{"type":"redirect","return_url":"https://s.example/r"}}"#,
                "amount.currency"
            ),
            (
                #"{"amount":{"value":"1,00","currency":"RUB"},"confirmation":{"type":"redirect","return_url":"https://s.example/r"}}"#,
                "amount.value"
            ),
            (
                #"{"amount":{"value":"1.001","currency":"RUB"},"confirmation":{"type":"redirect","return_url":"https://s.example/r"}}"#,
                "amount.value"
            ),
            (
                #"{"amount":{"value":"0.00","currency":"RUB"},"confirmation":{"type":"redirect","return_url":"https://s.example/r"}}"#,
                "amount.value"
            ),
            (
                #"{"amount":{"value":100,"currency":"RUB"},"confirmation":{"type":"redirect","return_url":"https://s.example/r"}}"#,
                "amount.value"
            ),
            (#"{"amount":{"value":"1.00","currency":"RUB"}}"#, "confirmation"),
            (#"{"amount":{"value":"1.00","currency":"RUB"},"confirmation":{"type":"qr"}}"#, "confirmation.type"),
            (
                #"{"amount":{"value":"1.00","currency":"RUB"},"confirmation":{"type":"redirect"}}"#,
                "confirmation.return_url"
            ),
            (
                #"{"amount":{"value":"1.00","currency":"RUB"},"capture":"yes","confirmation":{"type":"redirect","return_url":"https://s.example/r"}}"#,
                "capture"
            ),
            (
                #"{"amount":{"value":"1.00","currency":"RUB"},"confirmation":{"type":"redirect","return_url":"https://s.example/r"},"description":"\#(String(repeating: "x", count: 129))"}"#,
                "description"
            ),
            (
                #"{"amount":{"value":"1.00","currency":"RUB"},"confirmation":{"type":"redirect","return_url":"https://s.example/r"},"metadata":{"n":1}}"#,
                "metadata.n"
            ),
        ]
    )
    func validation(body: String, parameter: String) async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let answer = try await Self.send(yookassa.server, "/v3/payments", body, key: "k1")
            #expect(answer.status == 400 && answer.error?.type == "error", "\(answer.body)")
            #expect(answer.error?.code == "invalid_request" && answer.error?.parameter == parameter, "\(answer.body)")
            #expect(yookassa.server.paymentCount == 0)
        }
    }

    @Test("a POST needs an Idempotence-Key of at most 64 characters")
    func keyRequired() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            for key in [nil, String(repeating: "k", count: 65)] {
                let answer = try await Self.send(yookassa.server, "/v3/payments", Self.good, key: key)
                #expect(answer.status == 400 && answer.error?.parameter == "Idempotence-Key", "\(answer.body)")
            }
            #expect(yookassa.server.paymentCount == 0)
        }
    }

    @Test("a refusal is not stored under its key; a success is replayed byte for byte, key order aside")
    func refusalNotStoredSuccessReplayed() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let refused = try await Self.send(yookassa.server, "/v3/payments", #"{"capture":true}"#, key: "k1")
            #expect(refused.status == 400 && refused.error?.parameter == "amount")
            let created = try await Self.send(yookassa.server, "/v3/payments", Self.good, key: "k1")
            #expect(created.status == 200 && yookassa.server.paymentCount == 1)
            let reordered =
                #"{"confirmation":{"return_url":"https://shop.example/r","type":"redirect"},"amount":{"currency":"RUB","value":"100.00"}}"#
            let replay = try await Self.send(yookassa.server, "/v3/payments", reordered, key: "k1")
            #expect(replay.status == 200 && replay.body == created.body && yookassa.server.paymentCount == 1)
            let other = try await Self.send(yookassa.server, "/v3/payments", #"{"capture":true}"#, key: "k1")
            #expect(other.status == 400 && other.error?.parameter == "Idempotence-Key")
            #expect(other.error?.description?.contains("duplicated") == true)
        }
    }

    @Test("every /v3 call needs Basic auth with the shop id and key; the 401 echoes nothing sent")
    func basicAuth() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let wrong = "Basic " + Data("\(LocalYooKassaFixture.shopID):test_guess_42".utf8).base64EncodedString()
            for authorization in [nil, "Bearer test_guess_42", wrong, "Basic !!!"] {
                let answer = try await Self.send(
                    yookassa.server,
                    "/v3/payments",
                    method: .GET,
                    authorization: authorization
                )
                #expect(answer.status == 401 && answer.error?.code == "invalid_credentials", "\(answer.body)")
                #expect(!answer.body.contains("test_guess_42"))
            }
            let answer = try await Self.send(yookassa.server, "/v3/payments", method: .GET)
            #expect(answer.status == 200 && answer.body.contains(#""type":"list""#))
        }
    }

    @Test("the confirmation page: an unknown payment is 404, a bad reason 400, a second visit 409")
    func confirmationPage() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let created = try await Self.send(yookassa.server, "/v3/payments", Self.good, key: "k1")
            let payment = try YooKassaJSON.decoder().decode(YooKassaPayment.self, from: Data(created.body.utf8))
            #expect(
                try await Self.send(yookassa.server, "/confirm/nope", method: .GET, authorization: nil).status == 404
            )
            let bad = try await Self.send(
                yookassa.server,
                "/confirm/\(payment.id)?decline=bad_luck",
                method: .GET,
                authorization: nil
            )
            #expect(bad.status == 400 && yookassa.server.payment(payment.id)?.status == .pending)
            // A browser that does not follow the redirect: shop.example is not reachable from here.
            let paid = try await YooKassaClientTests.open("\(yookassa.server.baseURL)/confirm/\(payment.id)")
            #expect(paid.status.code == 303 && paid.headers.first(name: "Location") == "https://shop.example/r")
            #expect(yookassa.server.payment(payment.id)?.status == .waitingForCapture)
            let again = try await Self.send(yookassa.server, "/confirm/\(payment.id)", method: .GET, authorization: nil)
            #expect(again.status == 409)
        }
    }

    @Test("a list's limit and cursor are checked, naming them")
    func listParameters() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            for (query, parameter) in [
                ("limit=0", "limit"), ("limit=101", "limit"), ("cursor=nope", "cursor"),
                ("created_at.gte=yesterday", "created_at.gte"),
            ] {
                let answer = try await Self.send(yookassa.server, "/v3/payments?\(query)", method: .GET)
                #expect(answer.status == 400 && answer.error?.parameter == parameter, "\(answer.body)")
            }
        }
    }
}

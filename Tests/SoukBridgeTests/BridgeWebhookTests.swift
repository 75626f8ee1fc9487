import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SoukBridge
import SoukHost
import SoukPaymentProviders
import SoukPayments
import TestSupport
import Testing

@Suite("Payment providers' webhooks through the bridge to a real host")
struct BridgeWebhookTests {
    static let secret = "whsec_bridge_test"

    /// A host taking payments through Stripe (at an address nothing listens on: a webhook about a payment Souk does
    /// not know never calls Stripe) and no YooKassa keys.
    static func withStripeHost(_ body: @Sendable (IdentityHarness) async throws -> Void) async throws {
        try await IdentityHarness.with(
            wire: .swp,
            configure: { config in
                config.payments = PaymentsSettings(
                    stripe: .init(
                        baseURL: "http://127.0.0.1:9",
                        secretKey: "sk_test_bridge",
                        webhookSecret: Self.secret
                    ),
                    providerByCurrency: [:]
                )
            },
            body
        )
    }

    /// A Stripe event about an object payments do not follow, as Stripe sends it.
    static func event(id: String) -> [UInt8] {
        Array(
            #"{"id":"\#(id)","object":"event","type":"customer.created","created":1,"livemode":false,"data":{"object":{"id":"cus_1","object":"customer"}}}"#
                .utf8
        )
    }

    /// The `Stripe-Signature` header Stripe would send for `body` now, signed with `secret`.
    static func signature(_ body: [UInt8], secret: String = Self.secret) -> String {
        StripeWebhookSignature(secret: secret).header(payload: body, timestamp: Int64(Date().timeIntervalSince1970))
    }

    static func post(
        _ client: any TestClientProtocol,
        _ path: String,
        body: [UInt8],
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var fields = headers
        fields[.contentType] = "application/json"
        return try await client.execute(uri: path, method: .post, headers: fields, body: ByteBuffer(bytes: body))
    }

    static func text(_ response: TestResponse) -> String {
        String(decoding: response.body.readableBytesView, as: UTF8.self)
    }

    /// Headers carrying `Stripe-Signature: value`.
    static func signed(_ value: String, to headers: HTTPFields = [:]) -> HTTPFields {
        var fields = headers
        fields[.init("Stripe-Signature")!] = value
        return fields
    }

    @Test(
        "a signed Stripe event is 200 with no session; a missing or wrong signature 401; a malformed event 400 (over a real socket)"
    )
    func stripeSignatures() async throws {
        try await Self.withStripeHost { harness in
            try await BridgeResponderTests.withBridge(harness, live: true) { client in
                let body = Self.event(id: "evt_bridge_1")
                let signed = try await Self.post(
                    client,
                    "/webhooks/stripe",
                    body: body,
                    headers: Self.signed(Self.signature(body))
                )
                #expect(signed.status == .ok, "\(Self.text(signed))")
                #expect(signed.headers[.contentType] == "text/plain; charset=utf-8")
                #expect(Self.text(signed) == "ok\n")

                let unsigned = try await Self.post(client, "/webhooks/stripe", body: body)
                #expect(unsigned.status == .unauthorized)
                #expect(Self.text(unsigned).hasPrefix("unauthenticated: Stripe-Signature"), "\(Self.text(unsigned))")

                let forged = try await Self.post(
                    client,
                    "/webhooks/stripe",
                    body: body,
                    headers: Self.signed(Self.signature(body, secret: "whsec_someone_else"))
                )
                #expect(forged.status == .unauthorized)
                #expect(Self.text(forged).contains("no v1 signature matches"), "\(Self.text(forged))")

                // Signed over other bytes than those sent: the body is forwarded exactly as received.
                let tampered = Array(#"{"id":"evt_bridge_2"}"#.utf8)
                let moved = try await Self.post(
                    client,
                    "/webhooks/stripe",
                    body: tampered,
                    headers: Self.signed(Self.signature(body))
                )
                #expect(moved.status == .unauthorized)

                let garbage = Array("not json".utf8)
                let malformed = try await Self.post(
                    client,
                    "/webhooks/stripe",
                    body: garbage,
                    headers: Self.signed(Self.signature(garbage))
                )
                #expect(malformed.status == .badRequest)
                #expect(Self.text(malformed).hasPrefix("invalid_argument: "), "\(Self.text(malformed))")
            }
        }
    }

    @Test("webhooks need no CSRF token, take no session, and leave every other route's CSRF check in place")
    func csrfStaysElsewhere() async throws {
        try await Self.withStripeHost { harness in
            try await BridgeSessionTests.withBridge(harness) { client, sessions in
                let (id, csrf, _) = try await BridgeSessionTests.signIn(harness, client)
                let cookie: HTTPFields = [.cookie: "souk_session=\(id)"]
                let lastUsed = try #require(await sessions.session(id)).lastUsed

                // A browser's cookie on a webhook is ignored: no CSRF refusal, and the session is not used.
                let body = Self.event(id: "evt_bridge_cookie")
                let headers = Self.signed(Self.signature(body), to: cookie)
                let webhook = try await Self.post(client, "/webhooks/stripe", body: body, headers: headers)
                #expect(webhook.status == .ok, "\(Self.text(webhook))")
                #expect(try #require(await sessions.session(id)).lastUsed == lastUsed)

                // Every other route still wants the token with the cookie: a Connect call, a payment call, logout.
                for path in [
                    "/souk.identity.v1.IdentityService/GetMyAccount", "/souk.payments.v1.PaymentService/ListPayments",
                    "/souk.payments.v1.PaymentService/ReceiveWebhook",
                ] {
                    let refused = try await BridgeResponderTests.post(client, path, json: "{}", headers: cookie)
                    #expect(refused.status == .forbidden, "\(path)")
                    #expect(try BridgeResponderTests.connectError(refused).code == "permission_denied")
                }
                let logout = try await client.execute(uri: "/session/logout", method: .post, headers: cookie)
                #expect(logout.status == .forbidden)
                #expect(try #require(await sessions.session(id)).lastUsed == lastUsed)

                var withToken = cookie
                withToken[.init("X-CSRF-Token")!] = csrf
                let me = try await BridgeResponderTests.post(
                    client,
                    "/souk.identity.v1.IdentityService/GetMyAccount",
                    json: "{}",
                    headers: withToken
                )
                #expect(me.status == .ok)
            }
        }
    }

    @Test("an unknown provider is 404, another verb 405, a body over 256 KiB 413 before anything is forwarded")
    func refusedBeforeForwarding() async throws {
        try await Self.withStripeHost { harness in
            try await BridgeResponderTests.withBridge(harness) { client in
                let body = Self.event(id: "evt_bridge_3")
                for path in ["/webhooks/paypal", "/webhooks/", "/webhooks/stripe/extra", "/webhooks/Stripe"] {
                    let unknown = try await Self.post(client, path, body: body)
                    #expect(unknown.status == .notFound, "\(path)")
                    #expect(Self.text(unknown).hasPrefix("not found"))
                }
                let get = try await client.execute(uri: "/webhooks/stripe", method: .get)
                #expect(get.status == .methodNotAllowed)
                #expect(get.headers[.allow] == "POST")

                let limit = BridgeConfig.defaults.maxWebhookBytes
                #expect(limit == 256 * 1024)
                // Over the limit: refused by the bridge (a signed body would otherwise reach the service).
                let oversized = [UInt8](repeating: UInt8(ascii: " "), count: limit + 1)
                let refused = try await Self.post(
                    client,
                    "/webhooks/stripe",
                    body: oversized,
                    headers: Self.signed(Self.signature(oversized))
                )
                #expect(refused.status == .contentTooLarge)
                #expect(Self.text(refused) == "payload too large: at most \(limit) bytes\n")
                // At the limit it is forwarded: the service checks the signature and answers.
                let atLimit = [UInt8](repeating: UInt8(ascii: " "), count: limit)
                let forwarded = try await Self.post(client, "/webhooks/stripe", body: atLimit)
                #expect(forwarded.status == .unauthorized, "\(Self.text(forwarded))")
            }
        }
    }

    @Test("a provider without keys on the host answers 503, so the provider sends the notification again")
    func notConfiguredIsRetried() async throws {
        try await Self.withStripeHost { harness in
            try await BridgeResponderTests.withBridge(harness) { client in
                let yookassa = try await Self.post(
                    client,
                    "/webhooks/yookassa",
                    body: Array(#"{"type":"notification","event":"payment.succeeded","object":{"id":"2d"}}"#.utf8)
                )
                #expect(yookassa.status == .serviceUnavailable)
                #expect(
                    Self.text(yookassa).contains("yookassa is not configured on this host"),
                    "\(Self.text(yookassa))"
                )
            }
        }
    }

    @Test("a soukd that does not host payments answers 503 too")
    func notHostedIsRetried() async throws {
        let withoutPayments: @Sendable (inout HostConfig) -> Void = { $0.services = [.identity, .catalog] }
        try await IdentityHarness.with(wire: .swp, configure: withoutPayments) { harness in
            try await BridgeResponderTests.withBridge(harness) { client in
                let body = Self.event(id: "evt_bridge_4")
                let response = try await Self.post(
                    client,
                    "/webhooks/stripe",
                    body: body,
                    headers: Self.signed(Self.signature(body))
                )
                #expect(response.status == .serviceUnavailable, "\(Self.text(response))")
            }
        }
    }
}

import Foundation
import SoukPaymentProviders
import Testing

@Suite("StripeEvent: reading and verifying a webhook")
struct StripeEventTests {
    static let secret = "whsec_event_tests"
    static let signedAt: Int64 = 1_767_225_600
    static let now = Date(timeIntervalSince1970: Double(Self.signedAt))

    /// An event as Stripe sends it, with fields Souk does not read (`pending_webhooks`, `request`,
    /// `previous_attributes`, the object's `livemode`, `latest_charge`).
    static func event(type: String, object: String) -> [UInt8] {
        Array(
            """
            {"id":"evt_1Q","object":"event","api_version":"2026-07-29.dahlia","created":1767225600,\
            "livemode":false,"pending_webhooks":2,"request":{"id":"req_1","idempotency_key":"pay:A-1:1"},\
            "type":"\(type)","data":{"object":\(object),"previous_attributes":{"status":"requires_action"}}}
            """.utf8
        )
    }

    static let intent = """
        {"id":"pi_1","object":"payment_intent","amount":1499,"amount_capturable":0,"amount_received":1499,\
        "currency":"usd","status":"succeeded","client_secret":"pi_1_secret_x","capture_method":"automatic",\
        "metadata":{"order_id":"A-1"},"created":1767225500,"livemode":false,"latest_charge":"ch_1"}
        """

    static let refund = """
        {"id":"re_1","object":"refund","amount":500,"currency":"usd","status":"pending","payment_intent":"pi_1",\
        "reason":"requested_by_customer","metadata":{},"created":1767225600}
        """

    static func signed(_ body: [UInt8], secret: String = Self.secret) -> String {
        StripeWebhookSignature(secret: secret).header(payload: body, timestamp: Self.signedAt)
    }

    @Test("a PaymentIntent event: the envelope's fields and the intent, extra fields ignored")
    func paymentIntent() throws {
        let body = Self.event(type: "payment_intent.succeeded", object: Self.intent)
        let event = try StripeEvent.verified(
            payload: body,
            signatureHeader: Self.signed(body),
            secret: Self.secret,
            now: Self.now
        )
        #expect(event.id == "evt_1Q" && event.type == "payment_intent.succeeded" && event.created == Self.signedAt)
        #expect(event.apiVersion == "2026-07-29.dahlia" && !event.livemode)
        guard case .paymentIntent(let intent) = event.object else {
            Issue.record("not an intent: \(event.object)")
            return
        }
        #expect(intent.id == "pi_1" && intent.status == .succeeded && intent.amountReceived == 1_499)
        #expect(intent.metadata == ["order_id": "A-1"])
    }

    @Test("a Refund event carries the refund and its payment_intent")
    func refund() throws {
        let event = try StripeEvent(decoding: Self.event(type: "refund.updated", object: Self.refund))
        #expect(
            event.object
                == .refund(
                    StripeRefund(
                        id: "re_1",
                        amount: 500,
                        currency: "usd",
                        status: "pending",
                        paymentIntent: "pi_1",
                        reason: "requested_by_customer",
                        metadata: [:]
                    )
                )
        )
    }

    @Test("another object is named by its object field and not read further")
    func other() throws {
        let event = try StripeEvent(
            decoding: Self.event(type: "charge.refunded", object: #"{"id":"ch_1","object":"charge","amount":"odd"}"#)
        )
        #expect(event.type == "charge.refunded" && event.object == .other("charge"))
    }

    @Test(
        "a body that is not a Stripe event is unreadable, naming the field at fault but never quoting the body",
        arguments: [
            (#"not json at all"#, "the body is not JSON"),
            (#"{"id":"evt_1","object":"event","created":1,"data":{"object":{"object":"charge"}}}"#, "missing 'type'"),
            (#"{"id":"evt_1","object":"list","type":"x","created":1,"data":{"object":{"object":"x"}}}"#, "'list'"),
            (
                #"{"id":"evt_1","object":"event","type":"x","created":"now","data":{"object":{"object":"x"}}}"#,
                "'created' has the wrong type"
            ),
            (
                #"{"id":"evt_1","object":"event","type":"x","created":1,"data":{"object":{"object":"refund"}}}"#,
                "missing 'data.object.id'"
            ),
        ]
    )
    func unreadable(body: String, expected: String) throws {
        let bytes = Array(body.utf8)
        let error = #expect(throws: StripeEventError.self) {
            try StripeEvent.verified(
                payload: bytes,
                signatureHeader: Self.signed(bytes),
                secret: Self.secret,
                now: Self.now
            )
        }
        #expect(error?.code == .unreadableBody && error?.signature == nil)
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
        #expect(error?.message.contains("evt_1") == false)
    }

    @Test(
        "a refused signature names what is wrong; the body is not read",
        arguments: [
            (String?.none, StripeEventError.Code.missingSignature, StripeSignatureError.missing),
            ("t=1767225600", .badSignature, .noSignature),
            ("v1=abc", .badSignature, .malformed),
            ("t=1767225600,v1=\(String(repeating: "0", count: 64))", .badSignature, .mismatch),
            ("t=1767225000,v1=\(String(repeating: "0", count: 64))", .staleTimestamp, .outsideTolerance(seconds: 600)),
        ]
    )
    func refusedSignature(
        header: String?,
        code: StripeEventError.Code,
        signature: StripeSignatureError
    ) throws {
        let error = #expect(throws: StripeEventError.self) {
            try StripeEvent.verified(
                payload: Array("not even json".utf8),
                signatureHeader: header,
                secret: Self.secret,
                now: Self.now
            )
        }
        #expect(error?.code == code && error?.signature == signature)
        #expect(error?.description == "\(code): \(signature)")
    }

    @Test("the tolerance is the caller's: a 10-minute-old signature passes with 15 minutes")
    func tolerance() throws {
        let body = Self.event(type: "payment_intent.succeeded", object: Self.intent)
        let event = try StripeEvent.verified(
            payload: body,
            signatureHeader: Self.signed(body),
            secret: Self.secret,
            tolerance: .seconds(900),
            now: Self.now.addingTimeInterval(600)
        )
        #expect(event.id == "evt_1Q")
    }
}

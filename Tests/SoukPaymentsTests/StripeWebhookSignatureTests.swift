import Foundation
import SoukPaymentProviders
import Testing

@Suite("Stripe-Signature")
struct StripeWebhookSignatureTests {
    static let body = Array(#"{"id":"evt_1","object":"event"}"#.utf8)
    static let signedAt: Int64 = 1_767_225_600
    /// HMAC-SHA256("whsec_test_secret", "1767225600.<body>") by Python's hmac module, an independent implementation.
    static let pythonHMAC = "238d47ccc3251152491130a4587f0a855c0e33e88993ce968255c6d168ef7601"
    static let checker = StripeWebhookSignature(secret: "whsec_test_secret")

    static func at(_ offset: TimeInterval) -> Date {
        Date(timeIntervalSince1970: Double(Self.signedAt) + offset)
    }

    @Test("a signature Python computed is accepted, and the header this side makes is the same")
    func knownVector() throws {
        let header = "t=\(Self.signedAt),v1=\(Self.pythonHMAC)"
        try Self.checker.verify(payload: Self.body, header: header, now: Self.at(10))
        #expect(Self.checker.header(payload: Self.body, timestamp: Self.signedAt) == header)
    }

    @Test("while the secret rotates, any one of several v1 values may match; v0 values are ignored")
    func rotation() throws {
        let header = "t=\(Self.signedAt),v1=\(String(repeating: "0", count: 64)),v0=abc,v1=\(Self.pythonHMAC)"
        try Self.checker.verify(payload: Self.body, header: header, now: Self.at(0))
        let onlyV0 = #expect(throws: StripeSignatureError.self) {
            try Self.checker.verify(
                payload: Self.body,
                header: "t=\(Self.signedAt),v0=\(Self.pythonHMAC)",
                now: Self.at(0)
            )
        }
        #expect(onlyV0 == .noSignature)
    }

    @Test("a changed body, another secret, a stale or future timestamp, a missing or malformed header are refused")
    func refusals() {
        let header = "t=\(Self.signedAt),v1=\(Self.pythonHMAC)"
        var changed = Self.body
        changed[changed.count - 2] = UInt8(ascii: "E")
        let cases: [(StripeWebhookSignature, [UInt8], String?, Date, StripeSignatureError)] = [
            (Self.checker, changed, header, Self.at(0), .mismatch),
            (StripeWebhookSignature(secret: "whsec_other"), Self.body, header, Self.at(0), .mismatch),
            (Self.checker, Self.body, header, Self.at(301), .outsideTolerance(seconds: 301)),
            (Self.checker, Self.body, header, Self.at(-301), .outsideTolerance(seconds: -301)),
            (Self.checker, Self.body, nil, Self.at(0), .missing),
            (Self.checker, Self.body, "", Self.at(0), .missing),
            (Self.checker, Self.body, "t=soon,v1=\(Self.pythonHMAC)", Self.at(0), .malformed),
            (Self.checker, Self.body, "v1=\(Self.pythonHMAC)", Self.at(0), .malformed),
            (Self.checker, Self.body, "t=\(Self.signedAt)", Self.at(0), .noSignature),
        ]
        for (checker, body, header, now, expected) in cases {
            let error = #expect(throws: StripeSignatureError.self, "\(expected)") {
                try checker.verify(payload: body, header: header, now: now)
            }
            #expect(error == expected)
            #expect(error?.description.hasPrefix("Stripe-Signature: ") == true)
        }
    }

    @Test("the tolerance is the bound, in both directions")
    func toleranceBound() throws {
        let header = "t=\(Self.signedAt),v1=\(Self.pythonHMAC)"
        try Self.checker.verify(payload: Self.body, header: header, now: Self.at(300))
        try Self.checker.verify(payload: Self.body, header: header, now: Self.at(-300))
        let strict = StripeWebhookSignature(secret: "whsec_test_secret", tolerance: .seconds(5))
        #expect(throws: StripeSignatureError.outsideTolerance(seconds: 6)) {
            try strict.verify(payload: Self.body, header: header, now: Self.at(6))
        }
    }
}

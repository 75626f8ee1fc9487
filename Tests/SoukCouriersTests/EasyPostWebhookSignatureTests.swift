import SoukCouriers
import Testing

@Suite("EasyPost's X-Hmac-Signature")
struct EasyPostWebhookSignatureTests {
    static let body = Array(
        #"{"description":"tracker.updated","id":"evt_1","result":{"id":"trk_1","status":"delivered"}}"#.utf8
    )
    /// HMAC-SHA256 of the body by Python's hmac module (an independent implementation), the key
    /// `unicodedata.normalize("NFKD", secret).encode()`.
    static let pythonASCII = "85d51d77d662eab42e405bebae2de0fbd641840a407b23836a1a615f2aed9866"
    /// The same for the secret `sécrètΩﬁ` (precomposed é and è, the ohm sign, the fi ligature), which NFKD changes;
    /// with the raw UTF-8 key Python gives 3d6248cd….
    static let pythonNFKD = "4e11bc3517a777ea8caf52b198049157f5f6c96d584f26188faa2fb35c1d73be"
    static let unicodeSecret = "s\u{e9}cr\u{e8}t\u{2126}\u{fb01}"

    @Test("signatures Python computed are accepted, and this side makes the same header")
    func knownVectors() throws {
        let ascii = EasyPostWebhookSignature(secret: CourierSecret("whsec_easypost_test"))
        try ascii.verify(body: Self.body, header: "hmac-sha256-hex=\(Self.pythonASCII)")
        #expect(ascii.header(body: Self.body) == "hmac-sha256-hex=\(Self.pythonASCII)")

        let unicode = EasyPostWebhookSignature(secret: CourierSecret(Self.unicodeSecret))
        try unicode.verify(body: Self.body, header: "hmac-sha256-hex=\(Self.pythonNFKD)")
        try unicode.verify(body: Self.body, header: "hmac-sha256-hex=\(Self.pythonNFKD.uppercased())")
    }

    @Test("a tampered body, another secret, the raw (not NFKD) key, a missing or malformed header are refused")
    func refusals() {
        var tampered = Self.body
        tampered[tampered.count - 4] = UInt8(ascii: "D")
        let good = "hmac-sha256-hex=\(Self.pythonASCII)"
        let ascii = EasyPostWebhookSignature(secret: CourierSecret("whsec_easypost_test"))
        let unicode = EasyPostWebhookSignature(secret: CourierSecret(Self.unicodeSecret))
        let raw = "hmac-sha256-hex=3d6248cd9ddab108de3877149d39925b4f70fcf3cd4abba6ff121393e5f24303"
        let cases: [(EasyPostWebhookSignature, [UInt8], String?, EasyPostSignatureError)] = [
            (ascii, tampered, good, .mismatch),
            (EasyPostWebhookSignature(secret: CourierSecret("whsec_other")), Self.body, good, .mismatch),
            (unicode, Self.body, raw, .mismatch),
            (ascii, Self.body, nil, .missing),
            (ascii, Self.body, "", .missing),
            (ascii, Self.body, Self.pythonASCII, .malformed),
            (ascii, Self.body, "hmac-sha256-hex=\(Self.pythonASCII.dropLast())", .malformed),
            (ascii, Self.body, "hmac-sha1-hex=\(Self.pythonASCII)", .malformed),
        ]
        for (checker, body, header, expected) in cases {
            let error = #expect(throws: EasyPostSignatureError.self, "\(expected)") {
                try checker.verify(body: body, header: header)
            }
            #expect(error == expected)
            #expect(error?.description.hasPrefix("X-Hmac-Signature: ") == true)
        }
    }
}

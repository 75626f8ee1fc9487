import SoukIdentity
import Testing

@Suite("TOTP (RFC 6238) and base32")
struct TOTPTests {
    /// RFC 6238 appendix B, SHA-1 rows: the secret is the ASCII "12345678901234567890"; 8 digits.
    @Test(
        "RFC 6238 test vectors",
        arguments: [
            (Int64(59), "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
        ]
    )
    func rfcVectors(time: Int64, expected: String) {
        let totp = TOTP(secret: Array("12345678901234567890".utf8), digits: 8)
        #expect(totp.code(step: totp.step(at: time)) == expected)
    }

    @Test("six-digit codes are the last six of the RFC's, and match one step either side only")
    func matching() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let time: Int64 = 1_111_111_109
        #expect(totp.code(step: totp.step(at: time)) == "081804")
        #expect(totp.matchingStep(of: "081804", at: time) == totp.step(at: time))
        #expect(totp.matchingStep(of: "081804", at: time + 30) == totp.step(at: time))
        #expect(totp.matchingStep(of: "081804", at: time + 90) == nil)
        #expect(totp.matchingStep(of: "81804", at: time) == nil)
        #expect(totp.matchingStep(of: "08180a", at: time) == nil)
    }

    @Test("base32 round-trips and reads what authenticator apps show")
    func base32() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("mzxw 6ytb oi======").map { String(decoding: $0, as: UTF8.self) } == "foobar")
        #expect(Base32.decode("MZXW6YTB1") == nil)
        let bytes = (0..<20).map { UInt8($0 * 13 % 256) }
        #expect(Base32.decode(Base32.encode(bytes)) == bytes)
    }

    @Test("the provisioning URI names issuer, account, algorithm, digits and period")
    func uri() {
        let uri = TOTP(secret: Array("12345678901234567890".utf8)).provisioningURI(
            account: "ann@example.com",
            issuer: "Souk"
        )
        #expect(
            uri
                == "otpauth://totp/Souk%3Aann@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Souk&algorithm=SHA1&digits=6&period=30"
        )
    }
}

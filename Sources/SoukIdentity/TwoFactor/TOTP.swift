import Crypto

/// Time-based one-time passwords (RFC 6238) as Google Authenticator and compatible apps compute them:
/// HMAC-SHA-1, 30-second steps, 6 digits.
package struct TOTP: Sendable {
    /// The shared secret.
    package let secret: [UInt8]
    /// Seconds per step.
    package let period: Int64
    /// Digits per code.
    package let digits: Int

    package init(secret: [UInt8], period: Int64 = 30, digits: Int = 6) {
        self.secret = secret
        self.period = period
        self.digits = digits
    }

    /// The step `unixSeconds` falls in.
    package func step(at unixSeconds: Int64) -> Int64 {
        unixSeconds / self.period
    }

    /// The code of `step` (RFC 4226 dynamic truncation of the HMAC of the big-endian step counter).
    package func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: self.secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<self.digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: self.digits - value.count) + value
    }

    /// The step whose code `code` is, looking one step back and ahead of `unixSeconds` for clock drift; nil if
    /// none matches. Comparison is constant-time per candidate.
    package func matchingStep(of code: String, at unixSeconds: Int64) -> Int64? {
        let candidate = Array(code.utf8)
        guard candidate.count == self.digits, candidate.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let now = self.step(at: unixSeconds)
        var matched: Int64? = nil
        for step in (now - 1)...(now + 1) where ConstantTime.equal(Array(self.code(step: step).utf8), candidate) {
            matched = step
        }
        return matched
    }

    /// The `otpauth://` URI authenticator apps read from a QR code.
    package func provisioningURI(account: String, issuer: String) -> String {
        let label = Self.percentEncode("\(issuer):\(account)")
        return "otpauth://totp/\(label)?secret=\(Base32.encode(self.secret))&issuer=\(Self.percentEncode(issuer))"
            + "&algorithm=SHA1&digits=\(self.digits)&period=\(self.period)"
    }

    private static func percentEncode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "@"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                output += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return output
    }
}

/// Comparisons whose time does not depend on where the inputs differ.
package enum ConstantTime {
    /// Whether `a` and `b` are equal; the time depends only on their lengths.
    package static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<a.count { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}

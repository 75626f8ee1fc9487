import Crypto
package import Foundation

/// Checks an EasyPost webhook's `X-Hmac-Signature` header (providers.md §4.2): `hmac-sha256-hex=<hex>`, an
/// HMAC-SHA256 of the raw body with the webhook secret normalised to Unicode NFKD (UTF-8), compared in constant
/// time.
///
/// ```swift
/// let signature = EasyPostWebhookSignature(secret: CourierSecret(webhookSecret))
/// try signature.verify(body: request.body, header: request.headers["X-Hmac-Signature"])
/// let event = try EasyPostEvent(parsing: request.body)
/// ```
package struct EasyPostWebhookSignature: Sendable {
    /// The header's name.
    package static let headerName = "X-Hmac-Signature"
    private static let prefix = "hmac-sha256-hex="

    private let key: SymmetricKey

    /// A checker for the webhook secret `secret`.
    package init(secret: CourierSecret) {
        self.key = SymmetricKey(data: Data(secret.value.decomposedStringWithCompatibilityMapping.utf8))
    }

    /// Checks `header` against the raw request body as received (never re-serialized).
    ///
    /// - Throws: ``EasyPostSignatureError``; the webhook must then be refused.
    package func verify(body: some DataProtocol, header: String?) throws(EasyPostSignatureError) {
        guard let header, !header.isEmpty else { throw .missing }
        guard header.hasPrefix(Self.prefix) else { throw .malformed }
        let sent = header.dropFirst(Self.prefix.count).lowercased()
        guard sent.utf8.count == 64, sent.allSatisfy(\.isHexDigit) else { throw .malformed }
        guard Self.constantTimeEqual(Array(sent.utf8), Array(self.hex(body).utf8)) else { throw .mismatch }
    }

    /// The header EasyPost would send for `body`: for the local EasyPost server and tests.
    package func header(body: some DataProtocol) -> String { Self.prefix + self.hex(body) }

    private func hex(_ body: some DataProtocol) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: self.key)
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in mac {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Equal byte strings, in time that depends only on their lengths.
    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// Why an `X-Hmac-Signature` header was refused.
package enum EasyPostSignatureError: Error, Hashable, CustomStringConvertible {
    /// No header.
    case missing
    /// Not `hmac-sha256-hex=` and 64 hex digits.
    case malformed
    /// The signature does not match the body and the webhook secret.
    case mismatch

    package var description: String {
        switch self {
        case .missing: "X-Hmac-Signature: missing"
        case .malformed: "X-Hmac-Signature: not hmac-sha256-hex=<64 hex digits>"
        case .mismatch: "X-Hmac-Signature: does not match the body and the webhook secret"
        }
    }
}

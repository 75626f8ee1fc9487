import Crypto
package import Foundation

/// Checks a Stripe webhook's `Stripe-Signature` header (providers.md §1.12): an HMAC-SHA256 of
/// `"<t>.<raw body>"` with the endpoint's secret, as lower-case hex in one of the `v1` values, and `t` within the
/// tolerance of now.
///
/// Several `v1` values appear while a secret is rotated; any one matching is enough. `v0` values are ignored.
/// The comparison takes the same time wherever the values differ. Unlike the SDK's low-level check, a zero
/// tolerance is not a way to skip the time test: the tolerance must be positive.
package struct StripeWebhookSignature: Sendable {
    private let key: SymmetricKey
    private let tolerance: TimeInterval

    /// A checker for the endpoint secret `secret` (`whsec_…`), accepting signatures at most `tolerance` old (or
    /// ahead of this clock); 300 seconds by default, as Stripe's SDKs.
    package init(secret: String, tolerance: Duration = .seconds(300)) {
        precondition(tolerance > .zero, "a Stripe signature tolerance must be positive")
        self.key = SymmetricKey(data: Data(secret.utf8))
        self.tolerance = Double(tolerance.components.seconds) + Double(tolerance.components.attoseconds) / 1e18
    }

    /// Checks `header` against the raw request body `payload` as received (never re-serialized).
    ///
    /// - Throws: ``StripeSignatureError`` saying what is wrong; the webhook must then be refused.
    package func verify(payload: some DataProtocol, header: String?, now: Date) throws(StripeSignatureError) {
        guard let header, !header.isEmpty else { throw .missing }
        var timestamp: Int64?
        var signatures: [String] = []
        for item in header.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { throw .malformed }
            switch pair[0] {
            case "t":
                guard let seconds = Int64(pair[1]) else { throw .malformed }
                timestamp = seconds
            case "v1":
                signatures.append(pair[1].lowercased())
            default:
                continue
            }
        }
        guard let timestamp else { throw .malformed }
        guard !signatures.isEmpty else { throw .noSignature }
        let age = now.timeIntervalSince1970 - Double(timestamp)
        guard abs(age) <= self.tolerance else { throw .outsideTolerance(seconds: Int64(age.rounded())) }
        let expected = Self.hex(self.mac(timestamp: timestamp, payload: payload))
        var matched = false
        for signature in signatures where Self.constantTimeEqual(signature, expected) { matched = true }
        guard matched else { throw .mismatch }
    }

    /// The header Stripe would send for `payload` at `timestamp` (seconds since 1970): for the local Stripe
    /// server and tests.
    package func header(payload: some DataProtocol, timestamp: Int64) -> String {
        "t=\(timestamp),v1=\(Self.hex(self.mac(timestamp: timestamp, payload: payload)))"
    }

    private func mac(timestamp: Int64, payload: some DataProtocol) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: self.key)
        hmac.update(data: Data("\(timestamp).".utf8))
        hmac.update(data: payload)
        return Array(hmac.finalize())
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Equal strings, in time that depends only on their lengths.
    private static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let (a, b) = (Array(lhs.utf8), Array(rhs.utf8))
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// Why a `Stripe-Signature` header was refused.
package enum StripeSignatureError: Error, Hashable, CustomStringConvertible {
    /// No header.
    case missing
    /// Not `t=…,v1=…` pairs with a numeric timestamp.
    case malformed
    /// No `v1` value.
    case noSignature
    /// The timestamp is this many seconds old (negative: ahead), beyond the tolerance: a replay or a bad clock.
    case outsideTolerance(seconds: Int64)
    /// No `v1` value matches the body and the endpoint secret.
    case mismatch

    package var description: String {
        switch self {
        case .missing: "Stripe-Signature: missing"
        case .malformed: "Stripe-Signature: not t=<unix seconds>,v1=<hex> pairs"
        case .noSignature: "Stripe-Signature: no v1 signature"
        case .outsideTolerance(let seconds): "Stripe-Signature: timestamp \(seconds) s from now, outside the tolerance"
        case .mismatch: "Stripe-Signature: no v1 signature matches the body and the endpoint secret"
        }
    }
}

import Crypto
package import Foundation

/// A GA4 `client_id` for a customer that never reveals who they are: a keyed hash (HMAC-SHA256) of the customer's
/// id, shaped like the web client ids gtag makes (`<digits>.<digits>`). The same customer and key always give the
/// same id, so GA4 sees one client per customer; without the key the id cannot be traced back.
package struct GA4ClientID: Sendable {
    private let key: SymmetricKey

    /// Client ids under `key` (at least 16 bytes of it are expected; the caller checks).
    package init(key: GA4Secret) {
        self.key = SymmetricKey(data: Data(key.value.utf8))
    }

    /// The client id of `customer`.
    package func callAsFunction(_ customer: UUID) -> String {
        let message = Data("souk.ga4.client_id:\(customer.uuidString.lowercased())".utf8)
        let mac = Array(HMAC<SHA256>.authenticationCode(for: message, using: self.key))
        let first = mac[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let second = mac[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return "\(first).\(second)"
    }
}

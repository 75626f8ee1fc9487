#if canImport(Glibc)
import Glibc
#endif

/// Parses textual IPv4 and IPv6 addresses into network-order bytes.
enum IPAddressBytes {
    /// The 4 or 16 address bytes of `text`, or `nil` when it is a host name.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

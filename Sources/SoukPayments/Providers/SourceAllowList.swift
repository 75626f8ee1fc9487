import Foundation

/// The addresses a provider's notifications may come from: IPv4 blocks in CIDR form (`185.71.76.0/27`), single
/// addresses, and IPv6 blocks whose prefix length is a multiple of 16 (`2a02:5180:0:1509::/64`). An empty list allows
/// every sender (the notification is re-read from the API anyway).
struct SourceAllowList: Sendable, Hashable {
    private let entries: [String]

    init(_ entries: [String]) {
        self.entries = entries.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
    }

    func allows(_ address: String) -> Bool {
        guard !self.entries.isEmpty else { return true }
        let address = address.lowercased()
        return self.entries.contains { Self.matches(address, entry: $0) }
    }

    private static func matches(_ address: String, entry: String) -> Bool {
        let parts = entry.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let bits = Int(parts[1]) else { return address == entry }
        if let network = Self.ipv4(String(parts[0])), let host = Self.ipv4(address), (0...32).contains(bits) {
            let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
            return network & mask == host & mask
        }
        if let network = Self.ipv6(String(parts[0])), let host = Self.ipv6(address), (0...128).contains(bits),
            bits % 16 == 0
        {
            return network.prefix(bits / 16) == host.prefix(bits / 16)
        }
        return false
    }

    private static func ipv4(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 <= 255 }) else { return nil }
        return octets.reduce(0) { $0 << 8 | $1 }
    }

    /// The eight 16-bit groups of an IPv6 address, `::` expanded.
    private static func ipv6(_ text: String) -> [UInt16]? {
        guard text.contains(":") else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var list: [UInt16] = []
            for group in part.split(separator: ":") {
                guard let value = UInt16(group, radix: 16) else { return nil }
                list.append(value)
            }
            return list
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}

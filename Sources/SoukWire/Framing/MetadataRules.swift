/// What PROTOCOL.md §9 allows in a metadata entry.
///
/// Keys are non-empty lower-case ASCII from `a-z 0-9 - _ .`; a key ending in `-bin` carries a binary value, any
/// other a text value of printable ASCII (`0x20`–`0x7E`). Keys beginning with `:` and `grpc-timeout`, `te` and
/// `content-type` are reserved: never sent, and dropped when received.
package enum MetadataRules {
    /// Keys the wire never carries: the deadline has its own field, and HTTP/2's headers mean nothing here.
    static let reservedKeys: Set<String> = ["grpc-timeout", "te", "content-type"]

    /// Whether `key` is reserved (dropped, not an error).
    package static func isReserved(_ key: String) -> Bool {
        key.hasPrefix(":") || Self.reservedKeys.contains(key)
    }

    /// Whether `key` is a valid key: non-empty, of `a-z 0-9 - _ .` only.
    package static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty
            && key.utf8.allSatisfy { byte in
                (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2D || byte == 0x5F
                    || byte == 0x2E
            }
    }

    /// Whether `key` carries a binary value.
    package static func isBinaryKey(_ key: String) -> Bool {
        key.hasSuffix("-bin")
    }

    /// Whether `text` is printable ASCII, `0x20`–`0x7E`.
    package static func isValidText(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }

    /// Whether an entry of `key` and `value` may be sent or accepted: a valid key carrying the value kind its name
    /// asks for, text within printable ASCII.
    package static func isValid(key: String, value: WireMetadataValue) -> Bool {
        guard Self.isValidKey(key) else { return false }
        switch value {
        case .binary: return Self.isBinaryKey(key)
        case .text(let text): return !Self.isBinaryKey(key) && Self.isValidText(text)
        }
    }
}

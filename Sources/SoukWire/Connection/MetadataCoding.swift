import GRPCCore

/// Converts between GRPCCore's `Metadata` and the wire's entries.
enum MetadataCoding {
    /// The wire's entries for `metadata` (§9): keys lower-cased (as HTTP/2 sends them); reserved keys left out; an
    /// entry the wire cannot carry (a key outside `a-z 0-9 - _ .`, a value kind its key does not ask for, text
    /// outside printable ASCII) left out too and reported to `dropped`, since a receiver must refuse the whole block.
    static func entries(
        _ metadata: Metadata,
        dropped: (String) -> Void = { _ in }
    ) -> [(key: String, value: WireMetadataValue)] {
        var entries: [(key: String, value: WireMetadataValue)] = []
        entries.reserveCapacity(metadata.count)
        for (key, value) in metadata {
            let key = key.utf8.contains { (0x41...0x5A).contains($0) } ? key.lowercased() : key
            if MetadataRules.isReserved(key) { continue }
            let entry: WireMetadataValue
            switch value {
            case .string(let text): entry = .text(text)
            case .binary(let bytes): entry = .binary(bytes)
            }
            guard MetadataRules.isValid(key: key, value: entry) else {
                dropped(key)
                continue
            }
            entries.append((key, entry))
        }
        return entries
    }

    static func metadata(_ entries: [(key: String, value: WireMetadataValue)]) -> Metadata {
        var metadata = Metadata()
        metadata.reserveCapacity(entries.count)
        for (key, value) in entries {
            switch value {
            case .text(let text): metadata.addString(text, forKey: key)
            case .binary(let bytes): metadata.addBinary(bytes, forKey: key)
            }
        }
        return metadata
    }
}

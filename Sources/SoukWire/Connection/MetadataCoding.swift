import GRPCCore

/// Converts between GRPCCore's `Metadata` and the wire's entries.
enum MetadataCoding {
    /// Keys the wire never carries: the deadline has its own field, and HTTP/2 pseudo-headers mean nothing here.
    private static let reserved: Set<String> = ["grpc-timeout", "te", "content-type"]

    static func entries(_ metadata: Metadata) -> [(key: String, value: WireMetadataValue)] {
        var entries: [(key: String, value: WireMetadataValue)] = []
        entries.reserveCapacity(metadata.count)
        for (key, value) in metadata {
            if key.hasPrefix(":") || Self.reserved.contains(key) { continue }
            switch value {
            case .string(let text): entries.append((key, .text(text)))
            case .binary(let bytes): entries.append((key, .binary(bytes)))
            }
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

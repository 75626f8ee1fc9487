/// A served list (or its absence) as the bytes the cache keeps: a presence byte, then the count and each product's
/// UTF-8 id and score, little-endian. Anything unreadable decodes to nil, which the caller treats as a miss.
enum ScoredListCoding {
    /// The bytes of `list`; one zero byte for "no list".
    static func encode(_ list: ScoredList?) -> [UInt8] {
        guard let list else { return [0] }
        var bytes: [UInt8] = [1]
        Self.append(UInt32(list.products.count), to: &bytes)
        for (product, score) in zip(list.products, list.scores) {
            let id = Array(product.utf8)
            Self.append(UInt32(id.count), to: &bytes)
            bytes += id
            Self.append(score.bitPattern, to: &bytes)
        }
        return bytes
    }

    /// The entry `bytes` hold: `.some(nil)` for "no list", nil when the bytes are not an entry.
    static func decode(_ bytes: [UInt8], kind: ScoredList.Kind, subject: String) -> ScoredList?? {
        var reader = bytes[...]
        guard let presence = reader.popFirst() else { return nil }
        if presence == 0 { return reader.isEmpty ? .some(nil) : nil }
        guard presence == 1, let count = Self.read(UInt32.self, from: &reader), count <= 10_000 else { return nil }
        var products: [String] = []
        var scores: [Double] = []
        for _ in 0..<count {
            guard let length = Self.read(UInt32.self, from: &reader), reader.count >= Int(length) else { return nil }
            products.append(String(decoding: reader.prefix(Int(length)), as: UTF8.self))
            reader = reader.dropFirst(Int(length))
            guard let bits = Self.read(UInt64.self, from: &reader) else { return nil }
            scores.append(Double(bitPattern: bits))
        }
        guard reader.isEmpty else { return nil }
        return .some(ScoredList(kind: kind, subject: subject, products: products, scores: scores))
    }

    private static func append<Value: FixedWidthInteger>(_ value: Value, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    private static func read<Value: FixedWidthInteger>(_: Value.Type, from bytes: inout ArraySlice<UInt8>) -> Value? {
        let size = MemoryLayout<Value>.size
        guard bytes.count >= size else { return nil }
        var value: Value = 0
        for (index, byte) in bytes.prefix(size).enumerated() { value |= Value(byte) << (8 * index) }
        bytes = bytes.dropFirst(size)
        return value
    }
}

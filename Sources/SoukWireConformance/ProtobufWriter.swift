/// Writes protobuf by hand: the `RequestHead` of PROTOCOL.md §9 (canonical or deliberately not) and the few
/// TestService requests the cases send, so the kit needs no generated code and works against any server hosting
/// `souk.testing.v1.TestService`.
package enum ProtobufWriter {
    /// A base-128 varint.
    package static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }

    /// A varint field.
    package static func varintField(_ number: UInt64, _ value: UInt64) -> [UInt8] {
        Self.varint(number << 3) + Self.varint(value)
    }

    /// A length-delimited field.
    package static func bytesField(_ number: UInt64, _ value: [UInt8]) -> [UInt8] {
        Self.varint(number << 3 | 2) + Self.varint(UInt64(value.count)) + value
    }

    /// A `MetadataEntry` with a text value.
    package static func textEntry(_ key: String, _ value: String) -> [UInt8] {
        Self.bytesField(1, Array(key.utf8)) + Self.bytesField(2, Array(value.utf8))
    }

    /// A `MetadataEntry` with a binary value.
    package static func binaryEntry(_ key: String, _ value: [UInt8]) -> [UInt8] {
        Self.bytesField(1, Array(key.utf8)) + Self.bytesField(3, value)
    }

    /// A canonical `RequestHead`: method, timeout (omitted when 0), metadata entries (each already encoded).
    package static func requestHead(method: String, timeoutMicroseconds: UInt64 = 0, entries: [[UInt8]] = []) -> [UInt8]
    {
        var bytes = Self.bytesField(1, Array(method.utf8))
        if timeoutMicroseconds > 0 { bytes += Self.varintField(2, timeoutMicroseconds) }
        for entry in entries { bytes += Self.bytesField(3, entry) }
        return bytes
    }

    /// `souk.testing.v1.Payload{body}`.
    package static func payload(body: [UInt8]) -> [UInt8] {
        body.isEmpty ? [] : Self.bytesField(1, body)
    }

    /// `souk.testing.v1.StreamRequest{count, size}`.
    package static func streamRequest(count: Int, size: Int) -> [UInt8] {
        (count > 0 ? Self.varintField(1, UInt64(count)) : []) + (size > 0 ? Self.varintField(2, UInt64(size)) : [])
    }

    /// `souk.testing.v1.SleepRequest{duration_ms}`.
    package static func sleepRequest(milliseconds: Int) -> [UInt8] {
        milliseconds > 0 ? Self.varintField(1, UInt64(milliseconds)) : []
    }
}

package import NIOCore

/// A metadata entry as carried on the wire.
package enum WireMetadataValue: Sendable, Hashable {
    /// A text value (keys not ending in "-bin").
    case text(String)
    /// A binary value (keys ending in "-bin").
    case binary([UInt8])
}

/// The protobuf blocks of HEADERS and TRAILERS (`Protos/souk/wire/v1/wire.proto`), encoded by hand.
///
/// SoukWire sits below the generated code, and these three messages are small: a hand-written codec keeps
/// the wire module free of SwiftProtobuf and avoids its allocations. Tests check it against the generated types.
package enum WireProtobuf {
    /// `RequestHead`.
    package struct RequestHead: Sendable, Hashable {
        /// "/package.Service/Method".
        package var method: String
        /// Relative deadline in microseconds; 0 for none.
        package var timeoutMicroseconds: UInt64
        /// Metadata in order.
        package var metadata: [(key: String, value: WireMetadataValue)]

        /// Creates a head.
        package init(method: String, timeoutMicroseconds: UInt64, metadata: [(key: String, value: WireMetadataValue)]) {
            self.method = method
            self.timeoutMicroseconds = timeoutMicroseconds
            self.metadata = metadata
        }

        package static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.method == rhs.method && lhs.timeoutMicroseconds == rhs.timeoutMicroseconds
                && lhs.metadata.elementsEqual(rhs.metadata, by: { $0.key == $1.key && $0.value == $1.value })
        }

        package func hash(into hasher: inout Hasher) {
            hasher.combine(self.method)
            hasher.combine(self.timeoutMicroseconds)
        }
    }

    /// `Trailers`.
    package struct Trailers: Sendable {
        /// gRPC status code.
        package var code: UInt32
        /// UTF-8 status message.
        package var message: String
        /// Trailing metadata in order.
        package var metadata: [(key: String, value: WireMetadataValue)]

        /// Creates trailers.
        package init(code: UInt32, message: String, metadata: [(key: String, value: WireMetadataValue)]) {
            self.code = code
            self.message = message
            self.metadata = metadata
        }
    }

    // MARK: Encoding

    /// Appends `RequestHead` to `buffer`.
    package static func write(_ head: RequestHead, to buffer: inout ByteBuffer) {
        if !head.method.isEmpty { Self.writeString(head.method, field: 1, to: &buffer) }
        if head.timeoutMicroseconds != 0 {
            Self.writeVarint(UInt64(2 << 3), to: &buffer)
            Self.writeVarint(head.timeoutMicroseconds, to: &buffer)
        }
        for entry in head.metadata { Self.writeEntry(entry, field: 3, to: &buffer) }
    }

    /// Appends `ResponseHead` (metadata only) to `buffer`.
    package static func writeResponseHead(
        _ metadata: [(key: String, value: WireMetadataValue)],
        to buffer: inout ByteBuffer
    ) {
        for entry in metadata { Self.writeEntry(entry, field: 1, to: &buffer) }
    }

    /// Appends `Trailers` to `buffer`.
    package static func write(_ trailers: Trailers, to buffer: inout ByteBuffer) {
        if trailers.code != 0 {
            Self.writeVarint(UInt64(1 << 3), to: &buffer)
            Self.writeVarint(UInt64(trailers.code), to: &buffer)
        }
        if !trailers.message.isEmpty { Self.writeString(trailers.message, field: 2, to: &buffer) }
        for entry in trailers.metadata { Self.writeEntry(entry, field: 3, to: &buffer) }
    }

    private static func writeEntry(
        _ entry: (key: String, value: WireMetadataValue),
        field: UInt64,
        to buffer: inout ByteBuffer
    ) {
        var inner = ByteBuffer()
        Self.writeString(entry.key, field: 1, to: &inner)
        switch entry.value {
        case .text(let text): Self.writeString(text, field: 2, to: &inner)
        case .binary(let bytes): Self.writeBytes(bytes, field: 3, to: &inner)
        }
        Self.writeVarint(field << 3 | 2, to: &buffer)
        Self.writeVarint(UInt64(inner.readableBytes), to: &buffer)
        buffer.writeBuffer(&inner)
    }

    private static func writeString(_ string: String, field: UInt64, to buffer: inout ByteBuffer) {
        Self.writeVarint(field << 3 | 2, to: &buffer)
        Self.writeVarint(UInt64(string.utf8.count), to: &buffer)
        buffer.writeString(string)
    }

    private static func writeBytes(_ bytes: [UInt8], field: UInt64, to buffer: inout ByteBuffer) {
        Self.writeVarint(field << 3 | 2, to: &buffer)
        Self.writeVarint(UInt64(bytes.count), to: &buffer)
        buffer.writeBytes(bytes)
    }

    private static func writeVarint(_ value: UInt64, to buffer: inout ByteBuffer) {
        var value = value
        while value >= 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.writeInteger(UInt8(value))
    }

    // MARK: Decoding

    /// Decodes `RequestHead`.
    package static func readRequestHead(_ buffer: ByteBuffer) throws(WireDecodingError) -> RequestHead {
        var head = RequestHead(method: "", timeoutMicroseconds: 0, metadata: [])
        var buffer = buffer
        while buffer.readableBytes > 0 {
            let (field, wireType) = try Self.readTag(&buffer)
            switch (field, wireType) {
            case (1, 2): head.method = try Self.readString(&buffer)
            case (2, 0): head.timeoutMicroseconds = try Self.readVarint(&buffer)
            case (3, 2): if let entry = try Self.readEntry(&buffer) { head.metadata.append(entry) }
            default: try Self.skip(wireType: wireType, in: &buffer)
            }
        }
        return head
    }

    /// Decodes `ResponseHead`, returning its metadata.
    package static func readResponseHead(
        _ buffer: ByteBuffer
    ) throws(WireDecodingError) -> [(key: String, value: WireMetadataValue)] {
        var metadata: [(key: String, value: WireMetadataValue)] = []
        var buffer = buffer
        while buffer.readableBytes > 0 {
            let (field, wireType) = try Self.readTag(&buffer)
            if field == 1, wireType == 2 {
                if let entry = try Self.readEntry(&buffer) { metadata.append(entry) }
            } else {
                try Self.skip(wireType: wireType, in: &buffer)
            }
        }
        return metadata
    }

    /// Decodes `Trailers`.
    package static func readTrailers(_ buffer: ByteBuffer) throws(WireDecodingError) -> Trailers {
        var trailers = Trailers(code: 0, message: "", metadata: [])
        var buffer = buffer
        while buffer.readableBytes > 0 {
            let (field, wireType) = try Self.readTag(&buffer)
            switch (field, wireType) {
            case (1, 0): trailers.code = UInt32(truncatingIfNeeded: try Self.readVarint(&buffer))
            case (2, 2): trailers.message = try Self.readString(&buffer)
            case (3, 2): if let entry = try Self.readEntry(&buffer) { trailers.metadata.append(entry) }
            default: try Self.skip(wireType: wireType, in: &buffer)
            }
        }
        return trailers
    }

    /// Reads one metadata entry: nil for a reserved key (dropped, §9); a malformed entry (an invalid key, a value
    /// kind its key does not ask for, text outside printable ASCII) fails the block (§9, §16.3 #12).
    private static func readEntry(
        _ buffer: inout ByteBuffer
    ) throws(WireDecodingError) -> (key: String, value: WireMetadataValue)? {
        var inner = try Self.readLengthDelimited(&buffer)
        var key = ""
        var value = WireMetadataValue.text("")
        while inner.readableBytes > 0 {
            let (field, wireType) = try Self.readTag(&inner)
            switch (field, wireType) {
            case (1, 2): key = try Self.readString(&inner)
            case (2, 2): value = .text(try Self.readString(&inner))
            case (3, 2):
                var bytes = try Self.readLengthDelimited(&inner)
                value = .binary(bytes.readBytes(length: bytes.readableBytes) ?? [])
            default: try Self.skip(wireType: wireType, in: &inner)
            }
        }
        if MetadataRules.isReserved(key) { return nil }
        guard MetadataRules.isValid(key: key, value: value) else { throw WireDecodingError() }
        return (key, value)
    }

    private static func readTag(_ buffer: inout ByteBuffer) throws(WireDecodingError) -> (UInt64, UInt64) {
        let tag = try Self.readVarint(&buffer)
        guard tag >> 3 != 0 else { throw WireDecodingError() }
        return (tag >> 3, tag & 7)
    }

    private static func readVarint(_ buffer: inout ByteBuffer) throws(WireDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 64 {
            guard let byte = buffer.readInteger(as: UInt8.self) else { throw WireDecodingError() }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw WireDecodingError()
    }

    private static func readLengthDelimited(_ buffer: inout ByteBuffer) throws(WireDecodingError) -> ByteBuffer {
        let length = try Self.readVarint(&buffer)
        guard length <= UInt64(buffer.readableBytes), let slice = buffer.readSlice(length: Int(length)) else {
            throw WireDecodingError()
        }
        return slice
    }

    private static func readString(_ buffer: inout ByteBuffer) throws(WireDecodingError) -> String {
        var slice = try Self.readLengthDelimited(&buffer)
        return slice.readString(length: slice.readableBytes) ?? ""
    }

    private static func skip(wireType: UInt64, in buffer: inout ByteBuffer) throws(WireDecodingError) {
        switch wireType {
        case 0: _ = try Self.readVarint(&buffer)
        case 1: guard buffer.readSlice(length: 8) != nil else { throw WireDecodingError() }
        case 2: _ = try Self.readLengthDelimited(&buffer)
        case 5: guard buffer.readSlice(length: 4) != nil else { throw WireDecodingError() }
        default: throw WireDecodingError()
        }
    }
}

/// A HEADERS or TRAILERS payload that is not valid protobuf.
package struct WireDecodingError: Error, Sendable, Hashable {}

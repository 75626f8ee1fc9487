import NIOCore
package import SoukWire

/// Reads the protobuf blocks of PROTOCOL.md §9 and the TestService responses the cases check.
package enum ProtobufReader {
    /// A decoded `Trailers`.
    package struct Trailers: Sendable {
        /// The status code.
        package var code: UInt32
        /// The status message.
        package var message: String
        /// The trailing metadata, in order.
        package var metadata: [(key: String, value: WireMetadataValue)]
    }

    /// Decodes a TRAILERS payload.
    package static func trailers(_ payload: [UInt8]) throws -> Trailers {
        let trailers = try WireProtobuf.readTrailers(ByteBuffer(bytes: payload))
        return Trailers(code: trailers.code, message: trailers.message, metadata: trailers.metadata)
    }

    /// Decodes a server HEADERS payload (`ResponseHead`).
    package static func responseHead(_ payload: [UInt8]) throws -> [(key: String, value: WireMetadataValue)] {
        try WireProtobuf.readResponseHead(ByteBuffer(bytes: payload))
    }

    /// The canonical encoding of a TRAILERS payload with these fields (§9: field order, no defaults).
    package static func canonical(_ trailers: Trailers) -> [UInt8] {
        var buffer = ByteBuffer()
        WireProtobuf.write(
            WireProtobuf.Trailers(code: trailers.code, message: trailers.message, metadata: trailers.metadata),
            to: &buffer
        )
        return Array(buffer.readableBytesView)
    }

    /// The canonical encoding of a `ResponseHead` with this metadata.
    package static func canonicalResponseHead(_ metadata: [(key: String, value: WireMetadataValue)]) -> [UInt8] {
        var buffer = ByteBuffer()
        WireProtobuf.writeResponseHead(metadata, to: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// The length of field 1 (`body`) of a `souk.testing.v1.Payload`, or nil when the message is not one.
    package static func payloadBodyLength(_ message: [UInt8]) -> Int? {
        if message.isEmpty { return 0 }
        guard message.first == 0x0A else { return nil }
        var index = 1
        var length = 0
        var shift = 0
        while index < message.count {
            let byte = message[index]
            length |= Int(byte & 0x7F) << shift
            index += 1
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        return index + length == message.count ? length : nil
    }
}

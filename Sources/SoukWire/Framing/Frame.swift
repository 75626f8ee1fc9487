package import NIOCore

/// One SWP/1 frame: the 12-byte header's fields and the payload.
///
/// The payload is a slice of the received bytes, not a copy.
package struct Frame: Sendable {
    /// The size of a frame header in bytes.
    package static let headerSize = 12

    /// The raw type byte (unknown types are kept so the receiver can discard them).
    package var type: UInt8
    /// The flag bits.
    package var flags: UInt8
    /// The stream id; 0 is the connection.
    package var streamID: UInt32
    /// The payload bytes.
    package var payload: ByteBuffer

    /// Creates a frame.
    package init(type: FrameType, flags: UInt8 = 0, streamID: UInt32, payload: ByteBuffer) {
        self.type = type.rawValue
        self.flags = flags
        self.streamID = streamID
        self.payload = payload
    }

    /// Creates a frame with a raw type byte.
    package init(rawType: UInt8, flags: UInt8, streamID: UInt32, payload: ByteBuffer) {
        self.type = rawType
        self.flags = flags
        self.streamID = streamID
        self.payload = payload
    }

    /// Whether `flag` is set.
    package func has(_ flag: UInt8) -> Bool { self.flags & flag != 0 }

    /// Appends just a frame header to `buffer`.
    package static func writeHeader(
        to buffer: inout ByteBuffer,
        length: Int,
        type: FrameType,
        flags: UInt8,
        streamID: UInt32
    ) {
        buffer.writeInteger(UInt32(length))
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(flags)
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(streamID)
    }

    /// Appends the header and payload to `buffer`.
    package func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(self.payload.readableBytes))
        buffer.writeInteger(self.type)
        buffer.writeInteger(self.flags)
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(self.streamID)
        var payload = self.payload
        buffer.writeBuffer(&payload)
    }
}

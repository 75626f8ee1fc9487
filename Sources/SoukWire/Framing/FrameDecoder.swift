package import NIOCore

/// What the decoder produces: first the peer's preface, then frames.
package enum InboundUnit: Sendable {
    /// The peer's 8-byte preface.
    case preface(Preface)
    /// One frame.
    case frame(Frame)
}

/// Splits the byte stream into a preface and frames.
///
/// The length prefix is checked against `maximumFrameSize` before any payload is buffered, so an oversized
/// length is rejected with only the 12 header bytes read. The payload is sliced from the input, not copied.
package struct FrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = InboundUnit

    private var expectsPreface: Bool
    /// The largest payload accepted: what we advertised as MAX_FRAME_SIZE.
    package var maximumFrameSize: Int

    /// Creates a decoder that first expects a preface.
    package init(maximumFrameSize: Int) {
        self.expectsPreface = true
        self.maximumFrameSize = maximumFrameSize
    }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let unit = try self.decode(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(unit))
        return .continue
    }

    package mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        // A partial frame at EOF is dropped: the connection is gone anyway.
        try self.decode(context: context, buffer: &buffer)
    }

    /// Decodes one unit from `buffer`, or returns `nil` when more bytes are needed.
    ///
    /// - Throws: ``WireError`` with a connection-level code for a bad preface, a frame over the limit or
    ///   non-zero reserved bits.
    package mutating func decode(_ buffer: inout ByteBuffer) throws -> InboundUnit? {
        if self.expectsPreface {
            let available = min(buffer.readableBytes, Preface.magic.count)
            if let seen = buffer.getBytes(at: buffer.readerIndex, length: available),
                seen != Array(Preface.magic.prefix(available))
            {
                throw WireError.connection(.protocolError, "not an SWP peer: wrong preface")
            }
            guard buffer.readableBytes >= Preface.size else { return nil }
            buffer.moveReaderIndex(forwardBy: Preface.magic.count)
            let major: UInt8 = buffer.readInteger()!
            let minor: UInt8 = buffer.readInteger()!
            self.expectsPreface = false
            return .preface(Preface(major: major, minor: minor))
        }
        guard buffer.readableBytes >= Frame.headerSize else { return nil }
        let start = buffer.readerIndex
        let length = Int(buffer.getInteger(at: start, as: UInt32.self)!)
        guard length <= self.maximumFrameSize else {
            throw WireError.connection(
                .frameSizeError,
                "frame of \(length) bytes exceeds MAX_FRAME_SIZE \(self.maximumFrameSize)"
            )
        }
        let reserved = buffer.getInteger(at: start + 6, as: UInt16.self)!
        let rawStream = buffer.getInteger(at: start + 8, as: UInt32.self)!
        guard reserved == 0, rawStream & 0x8000_0000 == 0 else {
            throw WireError.connection(.protocolError, "reserved bits set in a frame header")
        }
        guard buffer.readableBytes >= Frame.headerSize + length else { return nil }
        let type = buffer.getInteger(at: start + 4, as: UInt8.self)!
        let flags = buffer.getInteger(at: start + 5, as: UInt8.self)!
        buffer.moveReaderIndex(forwardBy: Frame.headerSize)
        let payload = buffer.readSlice(length: length)!
        return .frame(Frame(rawType: type, flags: flags, streamID: rawStream, payload: payload))
    }
}

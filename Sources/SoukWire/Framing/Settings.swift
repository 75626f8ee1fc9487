package import NIOCore

/// The values one side announces in SETTINGS: what it is willing to receive (PROTOCOL.md, "Settings").
package struct Settings: Sendable, Hashable {
    /// 0x1: the largest frame payload accepted.
    package var maxFrameSize: Int = 65_536
    /// 0x2: the largest message accepted, after decompression.
    package var maxMessageSize: Int = 4 * 1024 * 1024
    /// 0x3: the largest HEADERS or TRAILERS payload accepted.
    package var maxHeaderSize: Int = 16_384
    /// 0x4: how many streams the peer may have open at once.
    package var maxConcurrentStreams: Int = 1_000
    /// 0x5: the initial credit of each new stream.
    package var initialStreamWindow: Int = 1_048_576
    /// 0x6: the initial credit of the connection (first SETTINGS only).
    package var connectionWindow: Int = 4 * 1_048_576
    /// 0x7: the codecs the sender can decode; bit 0 is zstd.
    package var codecs: UInt32 = 0
    /// 0x8: the least interval between pings without streams that a server tolerates.
    package var keepaliveMinimumIntervalMilliseconds: Int = 300_000

    /// The defaults, which apply until the peer's SETTINGS arrive.
    package init() {}

    /// The codec bit for zstd.
    package static let zstdCodec: UInt32 = 1
    /// The largest window value.
    package static let maximumWindow = Int(Int32.max)

    /// Appends the SETTINGS payload to `buffer`: in identifier order, each value that differs from `base`.
    ///
    /// A connection's first SETTINGS is written against the defaults (the peer assumes them until it reads the frame),
    /// so a side that keeps every default sends an empty payload (PROTOCOL.md §6, §19).
    ///
    /// - Parameter base: the values the peer already holds for this side.
    package func write(to buffer: inout ByteBuffer, changedFrom base: Settings = Settings()) {
        let entries: [(UInt16, UInt32, UInt32)] = [
            (0x1, UInt32(self.maxFrameSize), UInt32(base.maxFrameSize)),
            (0x2, UInt32(self.maxMessageSize), UInt32(base.maxMessageSize)),
            (0x3, UInt32(self.maxHeaderSize), UInt32(base.maxHeaderSize)),
            (0x4, UInt32(self.maxConcurrentStreams), UInt32(base.maxConcurrentStreams)),
            (0x5, UInt32(self.initialStreamWindow), UInt32(base.initialStreamWindow)),
            (0x6, UInt32(self.connectionWindow), UInt32(base.connectionWindow)),
            (0x7, self.codecs, base.codecs),
            (0x8, UInt32(self.keepaliveMinimumIntervalMilliseconds), UInt32(base.keepaliveMinimumIntervalMilliseconds)),
        ]
        for (identifier, value, known) in entries where value != known {
            buffer.writeInteger(identifier)
            buffer.writeInteger(value)
        }
    }

    /// Applies a SETTINGS payload on top of these values.
    ///
    /// - Parameter isFirst: whether this is the connection's first SETTINGS (only then CONNECTION_WINDOW applies).
    /// - Throws: ``WireError`` for a bad length or a value out of range.
    package mutating func apply(_ payload: ByteBuffer, isFirst: Bool) throws {
        guard payload.readableBytes % 6 == 0 else {
            throw WireError.connection(.frameSizeError, "SETTINGS payload is not a multiple of 6 bytes")
        }
        var payload = payload
        while let identifier = payload.readInteger(as: UInt16.self), let value = payload.readInteger(as: UInt32.self) {
            let number = Int(value)
            switch identifier {
            case 0x1:
                guard (1024...16_777_215).contains(number) else {
                    throw WireError.connection(.protocolError, "MAX_FRAME_SIZE \(number) out of range")
                }
                self.maxFrameSize = number
            case 0x2:
                guard number >= 1 else { throw WireError.connection(.protocolError, "MAX_MESSAGE_SIZE 0") }
                self.maxMessageSize = number
            case 0x3:
                self.maxHeaderSize = number
            case 0x4:
                self.maxConcurrentStreams = number
            case 0x5:
                guard number <= Self.maximumWindow else {
                    throw WireError.connection(.flowControlError, "INITIAL_STREAM_WINDOW above 2^31-1")
                }
                self.initialStreamWindow = number
            case 0x6:
                guard number <= Self.maximumWindow else {
                    throw WireError.connection(.flowControlError, "CONNECTION_WINDOW above 2^31-1")
                }
                if isFirst { self.connectionWindow = number }
            case 0x7:
                self.codecs = value
            case 0x8:
                self.keepaliveMinimumIntervalMilliseconds = number
            default:
                continue  // Unknown settings are ignored.
            }
        }
    }
}

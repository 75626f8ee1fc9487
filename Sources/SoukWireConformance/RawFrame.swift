/// Builds the bytes of one frame, any field of it deliberately wrong if a case wants (PROTOCOL.md §4).
package enum RawFrame {
    /// The client preface, `SOUK\r\n` and a version.
    package static func preface(major: UInt8 = 1, minor: UInt8 = 0) -> [UInt8] {
        [0x53, 0x4F, 0x55, 0x4B, 0x0D, 0x0A, major, minor]
    }

    /// A frame header and payload; `length` overrides the payload's real length.
    package static func frame(
        type: UInt8,
        flags: UInt8 = 0,
        reserved: UInt16 = 0,
        stream: UInt32,
        payload: [UInt8] = [],
        length: UInt32? = nil
    ) -> [UInt8] {
        Self.u32(length ?? UInt32(payload.count)) + [type, flags] + Self.u16(reserved) + Self.u32(stream) + payload
    }

    /// A frame of a known type.
    package static func frame(
        _ type: FrameCode,
        flags: UInt8 = 0,
        stream: UInt32,
        payload: [UInt8] = []
    ) -> [UInt8] {
        Self.frame(type: type.rawValue, flags: flags, stream: stream, payload: payload)
    }

    /// A SETTINGS frame with the entries given, in order.
    package static func settings(_ entries: [(UInt16, UInt32)] = []) -> [UInt8] {
        Self.frame(.settings, stream: 0, payload: entries.flatMap { Self.u16($0.0) + Self.u32($0.1) })
    }

    /// A SETTINGS ACK.
    package static let settingsAck = Self.frame(.settings, flags: FrameFlag.ack, stream: 0)

    /// A PING (or its ACK) with 8 opaque bytes.
    package static func ping(_ opaque: UInt64, ack: Bool = false) -> [UInt8] {
        Self.frame(.ping, flags: ack ? FrameFlag.ack : 0, stream: 0, payload: Self.u64(opaque))
    }

    /// A GOAWAY.
    package static func goAway(lastStreamID: UInt32, code: UInt32, debug: String = "") -> [UInt8] {
        Self.frame(.goAway, stream: 0, payload: Self.u32(lastStreamID) + Self.u32(code) + Array(debug.utf8))
    }

    /// A WINDOW_UPDATE.
    package static func windowUpdate(stream: UInt32, increment: UInt32) -> [UInt8] {
        Self.frame(.windowUpdate, stream: stream, payload: Self.u32(increment))
    }

    /// A CANCEL.
    package static func cancel(stream: UInt32, code: UInt32) -> [UInt8] {
        Self.frame(.cancel, stream: stream, payload: Self.u32(code))
    }

    /// A client HEADERS opening `stream` on `method`.
    package static func headers(
        stream: UInt32,
        method: String,
        timeoutMicroseconds: UInt64 = 0,
        entries: [[UInt8]] = [],
        endStream: Bool = false
    ) -> [UInt8] {
        Self.frame(
            .headers,
            flags: endStream ? FrameFlag.endStream : 0,
            stream: stream,
            payload: ProtobufWriter.requestHead(
                method: method,
                timeoutMicroseconds: timeoutMicroseconds,
                entries: entries
            )
        )
    }

    /// A DATA frame.
    package static func data(stream: UInt32, flags: UInt8, payload: [UInt8]) -> [UInt8] {
        Self.frame(.data, flags: flags, stream: stream, payload: payload)
    }

    /// A whole unary request: HEADERS, then one DATA with END_MESSAGE and END_STREAM.
    package static func unary(stream: UInt32, method: String, message: [UInt8], entries: [[UInt8]] = []) -> [UInt8] {
        Self.headers(stream: stream, method: method, entries: entries)
            + Self.data(stream: stream, flags: FrameFlag.endMessage | FrameFlag.endStream, payload: message)
    }

    /// Big-endian u16.
    package static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    /// Big-endian u32.
    package static func u32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(value >> (24 - 8 * $0) & 0xFF) } }
    /// Big-endian u64.
    package static func u64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(value >> (56 - 8 * $0) & 0xFF) } }
}

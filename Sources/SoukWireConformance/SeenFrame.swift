/// A frame as the server sent it, byte for byte, with readable accessors for what the cases check.
package struct SeenFrame: Sendable, Hashable, CustomStringConvertible {
    /// The whole frame: the 12-byte header, then the payload.
    package var bytes: [UInt8]

    /// Wraps the bytes of one whole frame.
    package init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The header's length field.
    package var length: Int { Self.integer(self.bytes[0..<4]) }
    /// The type byte.
    package var type: UInt8 { self.bytes[4] }
    /// The flag bits.
    package var flags: UInt8 { self.bytes[5] }
    /// The reserved u16.
    package var reserved: Int { Self.integer(self.bytes[6..<8]) }
    /// The stream id with bit 31.
    package var rawStreamID: UInt32 { UInt32(Self.integer(self.bytes[8..<12])) }
    /// The stream id.
    package var streamID: UInt32 { self.rawStreamID & 0x7FFF_FFFF }
    /// The payload.
    package var payload: [UInt8] { Array(self.bytes.dropFirst(12)) }

    /// Whether `flag` is set.
    package func has(_ flag: UInt8) -> Bool { self.flags & flag != 0 }

    /// The frame's type, or nil for a type §5 does not define.
    package var kind: FrameCode? { FrameCode(rawValue: self.type) }

    /// GOAWAY: the last stream id and the error code.
    package var goAway: (lastStreamID: UInt32, code: UInt32, debug: String)? {
        guard self.kind == .goAway, self.payload.count >= 8 else { return nil }
        let payload = self.payload
        return (
            UInt32(Self.integer(payload[0..<4])),
            UInt32(Self.integer(payload[4..<8])),
            String(decoding: payload.dropFirst(8), as: UTF8.self)
        )
    }

    /// CANCEL: the status code.
    package var cancelCode: UInt32? {
        guard self.kind == .cancel, self.payload.count == 4 else { return nil }
        return UInt32(Self.integer(self.payload[...]))
    }

    /// WINDOW_UPDATE: the increment.
    package var windowIncrement: Int? {
        guard self.kind == .windowUpdate, self.payload.count == 4 else { return nil }
        return Self.integer(self.payload[...])
    }

    /// The frame on one line: type, flags, stream, length, and what its payload says.
    package var description: String {
        let name = FrameCode(rawValue: self.type).map { "\($0)" } ?? "type 0x\(Self.hex(self.type))"
        var text = "\(name) flags=0x\(Self.hex(self.flags)) stream=\(self.rawStreamID) length=\(self.length)"
        if self.reserved != 0 { text += " reserved=\(self.reserved)" }
        if let goAway {
            text += " last=\(goAway.lastStreamID) code=\(ErrorCodeName.name(goAway.code)) \"\(goAway.debug)\""
        } else if let cancelCode {
            text += " code=\(cancelCode)"
        } else if let windowIncrement {
            text += " increment=\(windowIncrement)"
        } else if self.kind == .trailers, let trailers = try? ProtobufReader.trailers(self.payload) {
            text += " code=\(trailers.code) message=\"\(trailers.message)\""
        } else if !self.payload.isEmpty {
            text += " payload=" + self.payload.prefix(24).map(Self.hex).joined(separator: " ")
            if self.payload.count > 24 { text += " …" }
        }
        return text
    }

    private static func integer<C: Collection<UInt8>>(_ bytes: C) -> Int {
        bytes.reduce(0) { $0 << 8 | Int($1) }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}

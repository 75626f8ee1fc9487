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

/// The frame types of PROTOCOL.md §5, as the cases name them.
package enum FrameCode: UInt8, Sendable, CustomStringConvertible {
    case data = 0x00
    case headers = 0x01
    case trailers = 0x02
    case cancel = 0x03
    case settings = 0x04
    case ping = 0x05
    case goAway = 0x06
    case windowUpdate = 0x07

    package var description: String {
        switch self {
        case .data: "DATA"
        case .headers: "HEADERS"
        case .trailers: "TRAILERS"
        case .cancel: "CANCEL"
        case .settings: "SETTINGS"
        case .ping: "PING"
        case .goAway: "GOAWAY"
        case .windowUpdate: "WINDOW_UPDATE"
        }
    }
}

/// The GOAWAY error codes of PROTOCOL.md §16.2.
package enum ErrorCodeName {
    package static let noError: UInt32 = 0x0
    package static let protocolError: UInt32 = 0x1
    package static let internalError: UInt32 = 0x2
    package static let flowControlError: UInt32 = 0x3
    package static let settingsTimeout: UInt32 = 0x4
    package static let frameSizeError: UInt32 = 0x6
    package static let enhanceYourCalm: UInt32 = 0xB
    package static let versionUnsupported: UInt32 = 0xD

    /// The code's name, or its number.
    package static func name(_ code: UInt32) -> String {
        let names: [UInt32: String] = [
            0x0: "NO_ERROR", 0x1: "PROTOCOL_ERROR", 0x2: "INTERNAL_ERROR", 0x3: "FLOW_CONTROL_ERROR",
            0x4: "SETTINGS_TIMEOUT", 0x5: "STREAM_CLOSED", 0x6: "FRAME_SIZE_ERROR", 0x7: "REFUSED_STREAM",
            0x8: "CANCEL", 0x9: "COMPRESSION_ERROR", 0xB: "ENHANCE_YOUR_CALM", 0xC: "INADEQUATE_SECURITY",
            0xD: "VERSION_UNSUPPORTED",
        ]
        return names[code] ?? "0x\(String(code, radix: 16))"
    }
}

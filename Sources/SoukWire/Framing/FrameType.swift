/// The type byte of an SWP/1 frame (PROTOCOL.md, "Frame types").
package enum FrameType: UInt8, Sendable, Hashable {
    /// A fragment of one message.
    case data = 0x00
    /// Opens a stream (client) or carries initial metadata (server).
    case headers = 0x01
    /// Ends a stream with a status (server only).
    case trailers = 0x02
    /// Closes a stream in both directions at once, with a status code.
    case cancel = 0x03
    /// Connection settings, or their acknowledgement.
    case settings = 0x04
    /// Liveness check, or its acknowledgement.
    case ping = 0x05
    /// The sender accepts no new streams; carries the last stream it accepted.
    case goAway = 0x06
    /// Returns flow-control credit to the peer.
    case windowUpdate = 0x07
}

/// Frame flag bits (PROTOCOL.md, "Frame types").
package enum FrameFlags {
    /// DATA: the last fragment of a message.
    package static let endMessage: UInt8 = 0x01
    /// DATA: the message is one zstd frame.
    package static let compressed: UInt8 = 0x02
    /// DATA or client HEADERS: the sender half-closes.
    package static let endStream: UInt8 = 0x04
    /// SETTINGS or PING: an acknowledgement.
    package static let ack: UInt8 = 0x01
}

/// The error codes of GOAWAY frames (PROTOCOL.md, "Error codes").
package enum WireErrorCode: UInt32, Sendable, Hashable {
    case noError = 0x0
    case protocolError = 0x1
    case internalError = 0x2
    case flowControlError = 0x3
    case settingsTimeout = 0x4
    case streamClosed = 0x5
    case frameSizeError = 0x6
    case refusedStream = 0x7
    case cancel = 0x8
    case compressionError = 0x9
    case enhanceYourCalm = 0xB
    case inadequateSecurity = 0xC
    case versionUnsupported = 0xD
}

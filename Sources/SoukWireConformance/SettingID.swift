/// Setting identifiers (PROTOCOL.md §6).
package enum SettingID {
    /// MAX_FRAME_SIZE (0x1).
    package static let maxFrameSize: UInt16 = 0x1
    /// MAX_MESSAGE_SIZE (0x2).
    package static let maxMessageSize: UInt16 = 0x2
    /// MAX_HEADER_SIZE (0x3).
    package static let maxHeaderSize: UInt16 = 0x3
    /// MAX_CONCURRENT_STREAMS (0x4).
    package static let maxConcurrentStreams: UInt16 = 0x4
    /// INITIAL_STREAM_WINDOW (0x5).
    package static let initialStreamWindow: UInt16 = 0x5
    /// CONNECTION_WINDOW (0x6).
    package static let connectionWindow: UInt16 = 0x6
    /// CODECS (0x7).
    package static let codecs: UInt16 = 0x7
    /// KEEPALIVE_MIN_INTERVAL_MS (0x8).
    package static let keepaliveMinimumIntervalMilliseconds: UInt16 = 0x8
}

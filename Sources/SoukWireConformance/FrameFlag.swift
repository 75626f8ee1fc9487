/// Flag bits (PROTOCOL.md §5).
package enum FrameFlag {
    /// DATA: last fragment of a message.
    package static let endMessage: UInt8 = 0x01
    /// DATA: the message is compressed.
    package static let compressed: UInt8 = 0x02
    /// DATA or client HEADERS: the client half-closes.
    package static let endStream: UInt8 = 0x04
    /// SETTINGS or PING: acknowledgement.
    package static let ack: UInt8 = 0x01
}

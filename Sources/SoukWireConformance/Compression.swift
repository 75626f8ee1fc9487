import NIOCore
import SoukWire

/// zstd for the cases of PROTOCOL.md §12: whole frames, bombs and deliberately broken ones.
enum Compression {
    /// `message` as one zstd frame.
    static func compress(_ message: [UInt8]) throws -> [UInt8] {
        let policy = MessageCompression(
            compressesOutgoing: true,
            acceptsCompressed: true,
            threshold: 0,
            level: 3,
            maximumMessageSize: .max
        )
        let (compressed, isCompressed) = try policy.compress(ByteBuffer(bytes: message))
        guard isCompressed else { throw CaseFailure(expected: "zstd to compress the test message", seen: "it did not") }
        return Array(compressed.readableBytesView)
    }

    /// `payload` decompressed, refusing more than `limit` bytes.
    static func decompress(_ payload: [UInt8], limit: Int = 64 * 1024 * 1024) throws -> [UInt8] {
        let policy = MessageCompression(
            compressesOutgoing: false,
            acceptsCompressed: true,
            threshold: .max,
            level: 1,
            maximumMessageSize: limit
        )
        return Array(try policy.decompress(ByteBuffer(bytes: payload), isCompressed: true).readableBytesView)
    }
}

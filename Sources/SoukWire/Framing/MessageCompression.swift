import CZstd
package import NIOCore

/// Per-message zstd compression, as negotiated in SETTINGS (PROTOCOL.md, "Compression").
///
/// Messages below `threshold` bytes go out as they are: small messages grow when compressed. Decompression is
/// bounded by `maximumMessageSize`: the output is produced in pieces and abandoned as soon as it would pass the
/// limit, so a small frame cannot inflate into gigabytes.
package struct MessageCompression: Sendable, Hashable {
    /// Whether outgoing messages may be compressed (the peer advertised zstd and we want to).
    package var compressesOutgoing: Bool
    /// Whether incoming compressed messages are accepted (we advertised zstd).
    package var acceptsCompressed: Bool
    /// The smallest message worth compressing.
    package var threshold: Int
    /// The zstd level (1 is fastest).
    package var level: Int32
    /// The largest decompressed message accepted.
    package var maximumMessageSize: Int

    /// No compression in either direction.
    package static let identity = Self(
        compressesOutgoing: false,
        acceptsCompressed: false,
        threshold: .max,
        level: 1,
        maximumMessageSize: 4 * 1024 * 1024
    )

    /// Creates a policy.
    package init(
        compressesOutgoing: Bool,
        acceptsCompressed: Bool,
        threshold: Int,
        level: Int32,
        maximumMessageSize: Int
    ) {
        self.compressesOutgoing = compressesOutgoing
        self.acceptsCompressed = acceptsCompressed
        self.threshold = threshold
        self.level = level
        self.maximumMessageSize = maximumMessageSize
    }

    /// The policy of one end: it decodes zstd if its own settings advertise it, and limits messages to its
    /// MAX_MESSAGE_SIZE; it compresses when it wants to and the peer accepts zstd.
    package static func endpoint(
        localSettings: Settings,
        compressesOutgoing: Bool,
        thresholdBytes: Int
    ) -> Self {
        Self(
            compressesOutgoing: compressesOutgoing,
            acceptsCompressed: localSettings.codecs & Settings.zstdCodec != 0,
            threshold: thresholdBytes,
            level: 1,
            maximumMessageSize: localSettings.maxMessageSize
        )
    }

    /// Compresses `message` when allowed and worthwhile; returns the payload and whether it is compressed.
    package func compress(_ message: ByteBuffer) throws -> (ByteBuffer, Bool) {
        guard self.compressesOutgoing, message.readableBytes >= self.threshold else { return (message, false) }
        let bound = ZSTD_compressBound(message.readableBytes)
        var output = ByteBuffer()
        output.reserveCapacity(bound)
        let written = message.withUnsafeReadableBytes { input in
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out in
                let result = ZSTD_compress(out.baseAddress, out.count, input.baseAddress, input.count, self.level)
                return ZSTD_isError(result) != 0 ? 0 : result
            }
        }
        // Incompressible input, or a zstd failure: send the original.
        guard written > 0, written < message.readableBytes else { return (message, false) }
        return (output, true)
    }

    /// Decompresses `payload` if `isCompressed`, refusing output beyond ``maximumMessageSize``.
    ///
    /// - Throws: ``StreamFailure`` with RESOURCE_EXHAUSTED for a message over the limit, INTERNAL for corrupt data
    ///   or compression that was not negotiated.
    package func decompress(_ payload: ByteBuffer, isCompressed: Bool) throws -> ByteBuffer {
        guard isCompressed else { return payload }
        guard self.acceptsCompressed else {
            throw StreamFailure(code: StreamFailure.internal, message: "compressed message without negotiation")
        }
        guard let stream = ZSTD_createDStream() else {
            throw StreamFailure(code: StreamFailure.internal, message: "zstd could not allocate a decoder")
        }
        defer { ZSTD_freeDStream(stream) }
        ZSTD_initDStream(stream)
        var output = ByteBuffer()
        let chunk = 64 * 1024
        return try payload.withUnsafeReadableBytes { input in
            var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
            var finished = false
            while !finished {
                var result = 0
                var filledOutput = false
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: chunk) { out in
                    var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                    result = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
                    filledOutput = outBuffer.pos == outBuffer.size
                    return outBuffer.pos
                }
                if ZSTD_isError(result) != 0 {
                    throw StreamFailure(code: StreamFailure.internal, message: "corrupt zstd message")
                }
                if output.readableBytes > self.maximumMessageSize {
                    throw StreamFailure(
                        code: StreamFailure.resourceExhausted,
                        message: "decompressed message exceeds \(self.maximumMessageSize) bytes"
                    )
                }
                if result == 0 {
                    // §12: one zstd frame per message; anything after it is corrupt data.
                    guard inBuffer.pos == inBuffer.size else {
                        throw StreamFailure(
                            code: StreamFailure.internal,
                            message: "bytes after the end of the zstd frame"
                        )
                    }
                    finished = true
                } else if inBuffer.pos == inBuffer.size, !filledOutput {
                    // All input consumed but the frame is not complete.
                    throw StreamFailure(code: StreamFailure.internal, message: "truncated zstd message")
                }
            }
            return output
        }
    }
}

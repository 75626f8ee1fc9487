import CZlib

/// Measures what one compressed gRPC message inflates to, fed in pieces as its DATA frames arrive, and stops as
/// soon as that passes a limit. The inflated bytes go to a scratch buffer and are thrown away: the transport
/// decompresses the message again for the service.
///
/// gRPC's `gzip` is RFC 1952 and its `deflate` the zlib format of RFC 1950, as grpc-swift-nio-transport reads them
/// (window bits 31 and 15).
final class InflationMeter {
    /// What the bytes fed so far show.
    enum Reading: Equatable, Sendable {
        /// Within the limit so far (or complete within it).
        case within
        /// The message inflates past the limit.
        case exceedsLimit
        /// The bytes are not data of the encoding: corrupt, truncated, or followed by more.
        case invalid
    }

    /// The `grpc-encoding` this meter reads.
    let encoding: String
    private let stream: UnsafeMutablePointer<z_stream>
    private var scratch = [UInt8](repeating: 0, count: 16 << 10)
    private var inflated = 0
    private var ended = false

    /// A meter for `encoding` (`gzip` or `deflate`); nil for any other, which is the transport's to judge.
    init?(encoding: String) {
        let windowBits: Int32
        switch encoding {
        case "gzip": windowBits = 31
        case "deflate": windowBits = 15
        default: return nil
        }
        self.encoding = encoding
        self.stream = .allocate(capacity: 1)
        self.stream.initialize(to: z_stream())
        guard CZlib_inflateInit2(self.stream, windowBits) == Z_OK else {
            self.stream.deinitialize(count: 1)
            self.stream.deallocate()
            return nil
        }
    }

    deinit {
        inflateEnd(self.stream)
        self.stream.deinitialize(count: 1)
        self.stream.deallocate()
    }

    /// Starts a new message.
    func begin() {
        inflateReset(self.stream)
        self.inflated = 0
        self.ended = false
    }

    /// Inflates the next piece of the message, counting its output against `limit`.
    func feed(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Reading {
        guard !bytes.isEmpty else { return .within }
        // Bytes after the compressed stream's end would be dropped by a decompressor: not a valid message.
        if self.ended { return .invalid }
        let input = UnsafeMutablePointer(mutating: bytes.baseAddress!.assumingMemoryBound(to: Bytef.self))
        self.stream.pointee.next_in = input
        self.stream.pointee.avail_in = uInt(bytes.count)
        defer {
            self.stream.pointee.next_in = nil
            self.stream.pointee.avail_in = 0
        }
        return self.scratch.withUnsafeMutableBufferPointer { scratch in
            while true {
                self.stream.pointee.next_out = scratch.baseAddress
                self.stream.pointee.avail_out = uInt(scratch.count)
                let status = inflate(self.stream, Z_NO_FLUSH)
                self.inflated += scratch.count - Int(self.stream.pointee.avail_out)
                if self.inflated > limit { return .exceedsLimit }
                switch status {
                case Z_STREAM_END:
                    self.ended = true
                    return self.stream.pointee.avail_in == 0 ? .within : .invalid
                case Z_OK:
                    // Stopped because the scratch buffer filled (go on) or the input ran out (wait for more).
                    if self.stream.pointee.avail_in == 0, self.stream.pointee.avail_out > 0 { return .within }
                case Z_BUF_ERROR where self.stream.pointee.avail_in == 0:
                    return .within
                default:
                    return .invalid
                }
            }
        }
    }

    /// The message's last byte has been fed: a stream that has not ended is truncated.
    func finish() -> Reading {
        self.ended ? .within : .invalid
    }
}

@available(*, unavailable)
extension InflationMeter: Sendable {}

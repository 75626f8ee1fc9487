import NIOCore
import NIOHPACK

extension RequestSizeGuard {
    /// What one gRPC/HTTP2 stream has carried so far: where the request's length-prefixed messages begin and end,
    /// and how far the response has gone.
    ///
    /// Every gRPC message on the wire is a 5-byte header (a compressed flag, then a 4-byte big-endian length) and
    /// that many bytes. A header may be split across DATA frames, and one frame may hold several messages. The
    /// machine refuses the request as soon as a header declares more bytes than `limit`: the same test, on the same
    /// number, that grpc-swift-nio-transport's deframer makes (`messageLength > maxPayloadSize`), whether or not
    /// the message is compressed. A compressed message of a `gzip` or `deflate` request is also inflated as it
    /// passes (``InflationMeter``) and refused once it inflates past `limit`, or when it is not data of its
    /// encoding: the transport's decompressor makes the same checks but can only reset the stream.
    struct StateMachine {
        /// What to do with an inbound DATA frame.
        enum DataAction: Equatable, Sendable {
            /// Pass the frame on unchanged.
            case forward
            /// Pass on only the frame's first `prefix` bytes (whole messages before the oversized one; may be 0),
            /// then answer the call with ``Refusal``.
            case refuse(prefix: Int, Refusal)
            /// Drop the frame: the call has been answered.
            case drop
        }

        /// How the call is answered when a message is refused.
        struct Refusal: Equatable, Sendable {
            /// Why the message was refused.
            enum Cause: Equatable, Sendable {
                /// Its header declared this many bytes, more than the limit.
                case declaredLength(Int)
                /// Compressed with this encoding, it inflates past the limit.
                case inflatesPastLimit(encoding: String)
                /// It is not data of this encoding (corrupt, truncated, or followed by other bytes).
                case notDecompressible(encoding: String)
            }

            var cause: Cause
            /// The limit, in bytes, on a message (inflated, when compressed).
            var limit: Int
            /// True when no response HEADERS has gone out, so the answer must be a trailers-only response.
            var trailersOnly: Bool

            init(cause: Cause, limit: Int, trailersOnly: Bool) {
                self.cause = cause
                self.limit = limit
                self.trailersOnly = trailersOnly
            }

            /// A message whose header declared `declaredLength` bytes, over `limit`.
            init(declaredLength: Int, limit: Int, trailersOnly: Bool) {
                self.init(cause: .declaredLength(declaredLength), limit: limit, trailersOnly: trailersOnly)
            }
        }

        /// Where the parser stands in the request's byte stream.
        private enum Inbound: Equatable, Sendable {
            /// Reading a message header: `seen` of its 5 bytes so far; `length` holds the length bytes read yet;
            /// `compressed` is its first byte's flag.
            case header(seen: Int, length: UInt32, compressed: Bool)
            /// Inside a message's body, `remaining` bytes to go; `metered` when they go through the meter.
            case body(remaining: Int, metered: Bool)
            /// The call was answered; nothing more from the client matters.
            case refused
        }

        /// How far the server's response has gone.
        private enum Response: Equatable, Sendable {
            case notStarted
            case headersSent
            /// The server sent its trailers; the transport owns whatever comes next.
            case ended
        }

        static let headerLength = 5

        /// The largest message, in bytes, the server accepts.
        let limit: Int
        private var inbound: Inbound = .header(seen: 0, length: 0, compressed: false)
        private var response: Response = .notStarted
        /// The request's `grpc-encoding`, from its first HEADERS frame.
        private var encoding: String?
        private var hasRequestHeaders = false
        /// Inflates the request's compressed messages when the encoding is gzip or deflate; made at the first
        /// compressed message, so a call that only names an encoding costs nothing.
        private var meter: InflationMeter?

        init(limit: Int) {
            self.limit = limit
        }

        /// True once the call has been answered by the guard.
        var hasRefused: Bool { self.inbound == .refused }

        /// Notes an inbound HEADERS frame: the first carries the request's `grpc-encoding`.
        mutating func receive(headers: HPACKHeaders) {
            guard !self.hasRequestHeaders else { return }
            self.hasRequestHeaders = true
            self.encoding = headers.first(name: "grpc-encoding")
        }

        /// Reads the bytes of an inbound DATA frame.
        mutating func receive(data: ByteBuffer) -> DataAction {
            if self.inbound == .refused { return .drop }
            if self.response == .ended { return .forward }
            let bytes = data.readableBytesView
            var index = bytes.startIndex
            var messageStart = index
            while index < bytes.endIndex {
                switch self.inbound {
                case .header(let seen, var length, var compressed):
                    if seen == 0 {
                        messageStart = index
                        compressed = bytes[index] & 1 == 1
                    }
                    if seen > 0 { length = length << 8 | UInt32(bytes[index]) }
                    index += 1
                    guard seen + 1 == Self.headerLength else {
                        self.inbound = .header(seen: seen + 1, length: length, compressed: compressed)
                        continue
                    }
                    let declared = Int(length)
                    if declared > self.limit {
                        self.inbound = .refused
                        let refusal = Refusal(
                            declaredLength: declared,
                            limit: self.limit,
                            trailersOnly: self.response == .notStarted
                        )
                        // A header split across frames began in an earlier, already forwarded, frame: prefix 0.
                        return .refuse(prefix: messageStart - bytes.startIndex, refusal)
                    }
                    if compressed, declared > 0, self.meter == nil, let encoding = self.encoding {
                        self.meter = InflationMeter(encoding: encoding)
                    }
                    let metered = compressed && self.meter != nil && declared > 0
                    if metered { self.meter?.begin() }
                    self.inbound =
                        declared == 0
                        ? .header(seen: 0, length: 0, compressed: false)
                        : .body(remaining: declared, metered: metered)
                case .body(let remaining, let metered):
                    let step = min(remaining, bytes.endIndex - index)
                    if metered, let meter = self.meter {
                        let offset = index - bytes.startIndex
                        var reading = data.withUnsafeReadableBytes { raw in
                            meter.feed(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + step]), limit: self.limit)
                        }
                        if reading == .within, step == remaining { reading = meter.finish() }
                        if reading != .within {
                            self.inbound = .refused
                            let cause: Refusal.Cause =
                                reading == .exceedsLimit
                                ? .inflatesPastLimit(encoding: meter.encoding)
                                : .notDecompressible(encoding: meter.encoding)
                            let refusal = Refusal(
                                cause: cause,
                                limit: self.limit,
                                trailersOnly: self.response == .notStarted
                            )
                            return .refuse(prefix: messageStart - bytes.startIndex, refusal)
                        }
                    }
                    index += step
                    self.inbound =
                        remaining == step
                        ? .header(seen: 0, length: 0, compressed: false)
                        : .body(remaining: remaining - step, metered: metered)
                case .refused:
                    return .drop
                }
            }
            return .forward
        }

        /// Whether an inbound frame other than DATA (HEADERS, trailers) is passed on.
        func shouldForwardInboundHeaders() -> Bool {
            self.inbound != .refused
        }

        /// Notes an outbound HEADERS frame; returns whether it may be written.
        mutating func send(headersEndingStream endStream: Bool) -> Bool {
            if self.inbound == .refused { return false }
            self.response = endStream ? .ended : .headersSent
            return true
        }

        /// Whether any other outbound frame (DATA, RST_STREAM) may be written: not once the guard has answered.
        func shouldWriteOutbound() -> Bool {
            self.inbound != .refused
        }
    }
}

import NIOCore

extension RequestSizeGuard {
    /// What one gRPC/HTTP2 stream has carried so far: where the request's length-prefixed messages begin and end,
    /// and how far the response has gone.
    ///
    /// Every gRPC message on the wire is a 5-byte header (a compressed flag, then a 4-byte big-endian length) and
    /// that many bytes. A header may be split across DATA frames, and one frame may hold several messages. The
    /// machine refuses the request as soon as a header declares more bytes than `limit`: the same test, on the same
    /// number, that grpc-swift-nio-transport's deframer makes (`messageLength > maxPayloadSize`), whether or not
    /// the message is compressed.
    struct StateMachine: Sendable {
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

        /// How the call is answered when a message is too large.
        struct Refusal: Equatable, Sendable {
            /// The length the oversized message's header declared.
            var declaredLength: Int
            /// The limit it exceeded.
            var limit: Int
            /// True when no response HEADERS has gone out, so the answer must be a trailers-only response.
            var trailersOnly: Bool
        }

        /// Where the parser stands in the request's byte stream.
        private enum Inbound: Equatable, Sendable {
            /// Reading a message header: `seen` of its 5 bytes so far; `length` holds the length bytes read yet.
            case header(seen: Int, length: UInt32)
            /// Inside a message's body, `remaining` bytes to go.
            case body(remaining: Int)
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
        private var inbound: Inbound = .header(seen: 0, length: 0)
        private var response: Response = .notStarted

        init(limit: Int) {
            self.limit = limit
        }

        /// True once the call has been answered by the guard.
        var hasRefused: Bool { self.inbound == .refused }

        /// Reads the bytes of an inbound DATA frame.
        mutating func receive(data: ByteBuffer) -> DataAction {
            if self.inbound == .refused { return .drop }
            if self.response == .ended { return .forward }
            let bytes = data.readableBytesView
            var index = bytes.startIndex
            var messageStart = index
            while index < bytes.endIndex {
                switch self.inbound {
                case .header(let seen, var length):
                    if seen == 0 { messageStart = index }
                    if seen > 0 { length = length << 8 | UInt32(bytes[index]) }
                    index += 1
                    guard seen + 1 == Self.headerLength else {
                        self.inbound = .header(seen: seen + 1, length: length)
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
                    self.inbound = declared == 0 ? .header(seen: 0, length: 0) : .body(remaining: declared)
                case .body(let remaining):
                    let step = min(remaining, bytes.endIndex - index)
                    index += step
                    self.inbound =
                        remaining == step ? .header(seen: 0, length: 0) : .body(remaining: remaining - step)
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

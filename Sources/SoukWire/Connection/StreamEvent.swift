package import NIOCore

/// What a stream's inbound sequence yields, in order.
package enum StreamEvent: Sendable {
    /// The server's initial metadata (client side only).
    case head([(key: String, value: WireMetadataValue)])
    /// One complete message; `wireSize` is what it cost in flow-control credit.
    case message(ByteBuffer, wireSize: Int, isCompressed: Bool)
    /// The server's trailers (client side only); the stream is over.
    case trailers(WireProtobuf.Trailers)
}

/// Why a stream ended abnormally, as seen by its inbound sequence.
package struct StreamFailure: Error, Sendable, Hashable {
    /// A gRPC status code.
    package var code: UInt32
    /// What happened.
    package var message: String

    /// Creates a failure.
    package init(code: UInt32, message: String) {
        self.code = code
        self.message = message
    }

    /// gRPC status codes used by the wire itself.
    package static let cancelled: UInt32 = 1
    package static let invalidArgument: UInt32 = 3
    package static let deadlineExceeded: UInt32 = 4
    package static let resourceExhausted: UInt32 = 8
    package static let `internal`: UInt32 = 13
    package static let unavailable: UInt32 = 14
}

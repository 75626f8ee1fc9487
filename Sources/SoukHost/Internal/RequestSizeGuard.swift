import NIOCore
import NIOHPACK
import NIOHTTP2

/// Answers a gRPC/HTTP2 call RESOURCE_EXHAUSTED, with a message, when its request carries a message larger than the
/// server accepts.
///
/// grpc-swift-nio-transport 2.9.2 refuses such a message too, but only by closing the stream: its
/// `GRPCStreamStateMachine` turns the deframer's RESOURCE_EXHAUSTED into `forwardErrorAndClose_serverOnly`, so
/// the client gets RST_STREAM(CANCEL) and no status (grpcio: CANCELLED "Stream removed"). The gRPC spec wants
/// RESOURCE_EXHAUSTED. This handler sits first in each stream channel's pipeline, in front of the transport's
/// `GRPCServerStreamHandler`, so it reads the request's DATA frames before the transport does and sees the
/// response's frames after it. When a message header declares more than `limit` bytes it:
///
/// 1. passes on the whole messages before that one and drops the rest of the request;
/// 2. writes the status itself: a trailers-only response (`:status`, `content-type`, `grpc-status`,
///    `grpc-message`) if no response HEADERS has gone out yet, else trailers; either ends the stream;
/// 3. writes RST_STREAM(NO_ERROR), as HTTP/2 §8.1 lets a server that has answered stop the rest of a request,
///    and closes the stream channel, so the transport cancels the RPC handler behind it rather than leave it
///    waiting for a message that will never come. Whatever that handler still writes is dropped.
///
/// `limit` must be the transport's own `rpc.maxRequestPayloadSize`; the transport's check stays in place, and
/// with both on one number this handler always acts first. Other streams on the connection have their own
/// channels and their own guards. A gzip or deflate message is inflated as it passes, on the same limit: one that
/// inflates past it is refused RESOURCE_EXHAUSTED, and one that does not inflate INTERNAL (gRPC's status for a
/// message that cannot be decompressed), where the transport would again only reset the stream.
final class RequestSizeGuard: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTP2Frame.FramePayload
    typealias OutboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private var state: StateMachine

    /// Creates a guard for one stream; `limit` is the largest message, in bytes, the server accepts.
    init(limit: Int) {
        self.state = StateMachine(limit: limit)
    }

    /// A `channelDebuggingCallbacks.onAcceptHTTP2Stream` for `HTTP2ServerTransport`: it runs after the transport
    /// has built a stream channel's pipeline, and puts a guard in front of it.
    static func installer(limit: Int) -> @Sendable (any Channel) -> EventLoopFuture<Void> {
        { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(RequestSizeGuard(limit: limit), position: .first)
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let payload = self.unwrapInboundIn(data)
        switch payload {
        case .data(let frame):
            guard case .byteBuffer(let buffer) = frame.data else {
                context.fireChannelRead(data)
                return
            }
            switch self.state.receive(data: buffer) {
            case .forward:
                context.fireChannelRead(data)
            case .drop:
                ()
            case .refuse(let prefix, let refusal):
                // The whole messages before the oversized one still reach the transport, in order.
                if prefix > 0, let head = buffer.getSlice(at: buffer.readerIndex, length: prefix) {
                    context.fireChannelRead(self.wrapInboundOut(.data(.init(data: .byteBuffer(head)))))
                }
                self.answer(refusal, context: context)
            }
        case .headers(let headers):
            self.state.receive(headers: headers.headers)
            if self.state.shouldForwardInboundHeaders() { context.fireChannelRead(data) }
        default:
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let allowed: Bool
        switch self.unwrapOutboundIn(data) {
        case .headers(let headers):
            allowed = self.state.send(headersEndingStream: headers.endStream)
        default:
            allowed = self.state.shouldWriteOutbound()
        }
        if allowed {
            context.write(data, promise: promise)
        } else {
            promise?.fail(ChannelError.outputClosed)
        }
    }

    /// Ends the call with the refusal's status, stops the rest of the request, and closes the stream channel.
    private func answer(_ refusal: StateMachine.Refusal, context: ChannelHandlerContext) {
        let trailers = HTTP2Frame.FramePayload.Headers(headers: refusal.trailers, endStream: true)
        context.write(self.wrapOutboundOut(.headers(trailers)), promise: nil)
        let reset = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(self.wrapOutboundOut(.rstStream(.noError)), promise: reset)
        // NIOHTTP2 closes the channel itself once the reset is out; this covers a reset that could not be written.
        let channel = context.channel
        reset.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }
}

@available(*, unavailable)
extension RequestSizeGuard: Sendable {}

extension RequestSizeGuard.StateMachine.Refusal {
    /// The status message, as `grpc-message` carries it (percent-encoded).
    var message: String {
        switch self.cause {
        case .declaredLength(let declared):
            "request message of \(declared) bytes exceeds the server's limit of \(self.limit) bytes"
        case .inflatesPastLimit(let encoding):
            "\(encoding) request message inflates past the server's limit of \(self.limit) bytes"
        case .notDecompressible(let encoding):
            "request message is not valid \(encoding) data"
        }
    }

    /// RESOURCE_EXHAUSTED for a message too large, INTERNAL for one that cannot be decompressed.
    var statusCode: String {
        if case .notDecompressible = self.cause { return "13" }
        return "8"
    }

    /// The HEADERS frame's fields that end the call with the refusal's status.
    var trailers: HPACKHeaders {
        var headers: HPACKHeaders = [:]
        if self.trailersOnly {
            headers.add(name: ":status", value: "200")
            headers.add(name: "content-type", value: "application/grpc")
        }
        headers.add(name: "grpc-status", value: self.statusCode)
        headers.add(name: "grpc-message", value: Self.percentEncoded(self.message))
        return headers
    }

    /// gRPC's encoding of `grpc-message`: UTF-8, with every byte outside printable ASCII, and `%`, as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            if byte >= 0x20, byte <= 0x7E, byte != UInt8(ascii: "%") {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += byte < 0x10 ? "%0\(hex)" : "%\(hex)"
            }
        }
        return encoded
    }
}

import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP2
import Testing

@testable import SoukHost

/// ``RequestSizeGuard`` in an `EmbeddedChannel`, standing where the transport's stream channel would have it:
/// frames in, frames out, no network.
@Suite("RequestSizeGuard")
struct RequestSizeGuardTests {
    static let limit = 32

    static func makeChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: RequestSizeGuard(limit: Self.limit))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    static func data(_ bytes: [UInt8], endStream: Bool = false) -> HTTP2Frame.FramePayload {
        .data(.init(data: .byteBuffer(ByteBuffer(bytes: bytes)), endStream: endStream))
    }

    static func message(length: Int) -> [UInt8] {
        RequestSizeGuardStateMachineTests.message(length: length)
    }

    static func headers(_ frame: HTTP2Frame.FramePayload?) -> (HPACKHeaders, Bool)? {
        guard case .headers(let headers) = frame else { return nil }
        return (headers.headers, headers.endStream)
    }

    static func bytes(_ frame: HTTP2Frame.FramePayload?) -> [UInt8]? {
        guard case .data(let data) = frame, case .byteBuffer(let buffer) = data.data else { return nil }
        return Array(buffer.readableBytesView)
    }

    @Test("messages within the limit, and other frames, pass both ways untouched")
    func passesWithinLimit() throws {
        let channel = try Self.makeChannel()
        let request: HPACKHeaders = [":path": "/souk.testing.v1.TestService/Echo", "content-type": "application/grpc"]
        try channel.writeInbound(HTTP2Frame.FramePayload.headers(.init(headers: request)))
        #expect(Self.headers(try channel.readInbound())?.0[":path"] == ["/souk.testing.v1.TestService/Echo"])
        let body = Self.message(length: Self.limit) + Self.message(length: 1)
        try channel.writeInbound(Self.data(body, endStream: true))
        #expect(Self.bytes(try channel.readInbound()) == body)

        try channel.writeOutbound(HTTP2Frame.FramePayload.headers(.init(headers: [":status": "200"])))
        try channel.writeOutbound(Self.data(Self.message(length: 2)))
        try channel.writeOutbound(
            HTTP2Frame.FramePayload.headers(.init(headers: ["grpc-status": "0"], endStream: true))
        )
        #expect(Self.headers(try channel.readOutbound())?.1 == false)
        #expect(Self.bytes(try channel.readOutbound()) == Self.message(length: 2))
        #expect(Self.headers(try channel.readOutbound())?.1 == true)
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test("an oversized message before any response: trailers-only RESOURCE_EXHAUSTED, RST_STREAM(NO_ERROR), closed")
    func trailersOnly() throws {
        let channel = try Self.makeChannel()
        let body = Self.message(length: 3) + RequestSizeGuardStateMachineTests.header(length: 33) + [1, 2]
        try channel.writeInbound(Self.data(body))
        #expect(Self.bytes(try channel.readInbound()) == Self.message(length: 3))
        #expect(try channel.readInbound(as: HTTP2Frame.FramePayload.self) == nil)

        let (trailers, endStream) = try #require(Self.headers(try channel.readOutbound()))
        #expect(endStream)
        #expect(trailers[":status"] == ["200"])
        #expect(trailers["content-type"] == ["application/grpc"])
        #expect(trailers["grpc-status"] == ["8"])
        #expect(trailers["grpc-message"] == ["request message of 33 bytes exceeds the server's limit of 32 bytes"])
        let reset = try channel.readOutbound(as: HTTP2Frame.FramePayload.self)
        guard case .rstStream(let code) = reset else {
            Issue.record("expected RST_STREAM, got \(String(describing: reset))")
            return
        }
        #expect(code == .noError)
        #expect(!channel.isActive)
    }

    @Test("after response HEADERS the answer is trailers alone, also when the header is split across frames")
    func trailersAfterHeaders() throws {
        let channel = try Self.makeChannel()
        try channel.writeOutbound(HTTP2Frame.FramePayload.headers(.init(headers: [":status": "200"])))
        #expect(Self.headers(try channel.readOutbound())?.1 == false)

        // The oversized header arrives split over two frames.
        let header = RequestSizeGuardStateMachineTests.header(length: 1 << 20)
        try channel.writeInbound(Self.data(Array(header[..<2])))
        #expect(Self.bytes(try channel.readInbound()) == Array(header[..<2]))
        try channel.writeInbound(Self.data(Array(header[2...])))
        #expect(try channel.readInbound(as: HTTP2Frame.FramePayload.self) == nil)

        let (trailers, endStream) = try #require(Self.headers(try channel.readOutbound()))
        #expect(endStream)
        #expect(trailers[":status"].isEmpty)
        #expect(trailers["content-type"].isEmpty)
        #expect(trailers["grpc-status"] == ["8"])
        #expect(trailers["grpc-message"].first?.contains("1048576 bytes") == true)
        guard case .rstStream(.noError) = try channel.readOutbound(as: HTTP2Frame.FramePayload.self) else {
            Issue.record("expected RST_STREAM(NO_ERROR)")
            return
        }
        #expect(!channel.isActive)
    }

    @Test("the installer puts the guard in front of the handlers already in the stream's pipeline")
    func installerPutsGuardFirst() throws {
        let recorder = Recorder()
        let channel = EmbeddedChannel(handler: recorder)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try RequestSizeGuard.installer(limit: Self.limit)(channel).wait()

        try channel.writeInbound(Self.data(Self.message(length: 1)))
        try channel.writeInbound(Self.data(RequestSizeGuardStateMachineTests.header(length: 33)))
        #expect(recorder.received == [Self.message(length: 1)])
        #expect(Self.headers(try channel.readOutbound())?.0["grpc-status"] == ["8"])
        #expect(!channel.isActive)
    }
}

/// Stands in for the transport's stream handler: records the DATA it is given.
private final class Recorder: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    var received: [[UInt8]] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let bytes = RequestSizeGuardTests.bytes(self.unwrapInboundIn(data)) { self.received.append(bytes) }
    }
}

import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import SoukWire

/// The client's side of PROTOCOL.md §3 and §15 on a connection in an `EmbeddedChannel`: GOAWAY as the server's
/// first frame, what open calls fail with after a GOAWAY with an error, and the GOAWAY(0, NO_ERROR) a closing
/// client sends.
@Suite("SWP client: GOAWAY received and sent")
struct ClientGoAwayTests {
    /// A client connection that has sent its preface and SETTINGS.
    final class Client {
        let channel = EmbeddedChannel()
        let handler: ConnectionHandler
        private var decoder = FrameDecoder(maximumFrameSize: 1 << 24)
        private var written = ByteBuffer()

        init() throws {
            self.handler = ConnectionHandler(
                role: .client,
                settings: Settings(),
                delegate: .init(),
                logger: Logger(label: "test")
            )
            try self.channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(FrameDecoder(maximumFrameSize: 65_536))
            )
            try self.channel.pipeline.syncOperations.addHandler(self.handler)
            try self.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        }

        /// The server's preface, then `frames`.
        func serverSends(preface: Bool = false, _ frames: [Frame]) throws {
            var bytes = ByteBuffer()
            if preface { Preface.current.write(to: &bytes) }
            for frame in frames { frame.write(to: &bytes) }
            try self.channel.writeInbound(bytes)
            self.channel.embeddedEventLoop.run()
        }

        /// The frames the client wrote since the last call.
        func frames() throws -> [Frame] {
            self.channel.embeddedEventLoop.run()
            while var chunk = try self.channel.readOutbound(as: ByteBuffer.self) { self.written.writeBuffer(&chunk) }
            var result: [Frame] = []
            while let unit = try self.decoder.decode(&self.written) {
                if case .frame(let frame) = unit { result.append(frame) }
            }
            return result
        }

        func ready() throws {
            var settings = ByteBuffer()
            Settings().write(to: &settings)
            try self.serverSends(preface: true, [Frame(type: .settings, streamID: 0, payload: settings)])
            _ = try self.frames()
        }

        /// Opens a call; its events arrive on the returned stream.
        func call() throws -> AsyncThrowingStream<StreamEvent, any Error> {
            let (events, continuation) = AsyncThrowingStream<StreamEvent, any Error>.makeStream()
            let head = WireProtobuf.RequestHead(
                method: "/souk.testing.v1.TestService/Echo",
                timeoutMicroseconds: 0,
                metadata: []
            )
            _ = try self.handler.openStream(head: head, continuation: continuation).get()
            return events
        }
    }

    static func goAway(last: UInt32, code: WireErrorCode, _ text: String) -> Frame {
        var payload = ByteBuffer()
        payload.writeInteger(last)
        payload.writeInteger(code.rawValue)
        payload.writeString(text)
        return Frame(type: .goAway, streamID: 0, payload: payload)
    }

    /// The status `events` ended with.
    static func failure(of events: AsyncThrowingStream<StreamEvent, any Error>) async -> UInt32? {
        do {
            for try await _ in events {}
            return nil
        } catch let failure as StreamFailure {
            return failure.code
        } catch {
            return nil
        }
    }

    @Test("§3 step 3: GOAWAY as the server's first frame closes the connection without a PROTOCOL_ERROR")
    func goAwayFirst() throws {
        let client = try Client()
        try client.serverSends(preface: true, [Self.goAway(last: 0, code: .noError, "maintenance")])
        #expect(try client.frames().filter { $0.type == FrameType.goAway.rawValue }.isEmpty)
        #expect(!client.channel.isActive)
    }

    @Test("§15: after a GOAWAY with an error, calls above its id fail UNAVAILABLE, the others INTERNAL")
    func errorGoAway() async throws {
        let client = try Client()
        try client.ready()
        let first = try client.call()
        let second = try client.call()
        try client.serverSends([Self.goAway(last: 1, code: .internalError, "crashed")])
        #expect(await Self.failure(of: first) == StreamFailure.internal)
        #expect(await Self.failure(of: second) == StreamFailure.unavailable)
        #expect(!client.channel.isActive)
    }

    @Test("§15: after ENHANCE_YOUR_CALM the calls fail UNAVAILABLE (retry-safe, with a longer keepalive)")
    func calmGoAway() async throws {
        let client = try Client()
        try client.ready()
        let call = try client.call()
        try client.serverSends([Self.goAway(last: 1, code: .enhanceYourCalm, "too many pings")])
        #expect(await Self.failure(of: call) == StreamFailure.unavailable)
    }

    @Test("§15: a client closing when idle first sends GOAWAY(0, NO_ERROR)")
    func closingSendsGoAway() throws {
        let client = try Client()
        try client.ready()
        client.handler.closeWhenIdle()
        let goAways = try client.frames().filter { $0.type == FrameType.goAway.rawValue }
        #expect(goAways.count == 1)
        let payload = try #require(goAways.first?.payload)
        #expect(payload.getInteger(at: payload.readerIndex, as: UInt32.self) == 0)
        #expect(payload.getInteger(at: payload.readerIndex + 4, as: UInt32.self) == WireErrorCode.noError.rawValue)
        #expect(!client.channel.isActive)
    }
}

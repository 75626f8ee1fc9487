import GRPCCore
import NIOCore
import NIOPosix
import SoukAPI
import Testing

@testable import SoukWire

/// The status of the CANCEL a client sends when it ends a call early (PROTOCOL.md §10): DEADLINE_EXCEEDED when the
/// call's deadline passed, CANCELLED when the caller gave up. Checked on the frames a scripted server receives.
@Suite("SWP client: the status of its CANCEL", .timeLimit(.minutes(1)))
struct ClientCancelStatusTests {
    @Test("a call whose deadline passes fails with DEADLINE_EXCEEDED and sends CANCEL(DEADLINE_EXCEEDED)")
    func deadlineSendsDeadlineExceeded() async throws {
        let server = try await FrameRecordingServer.start()
        defer { server.stop() }
        try await withGRPCClient(transport: Self.transport(port: server.port)) { client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            // The deadline must pass on an open stream, not while a loaded machine is still connecting.
            _ = try await server.next(ofType: .settings)
            let call = Task {
                var options = CallOptions.defaults
                options.timeout = .seconds(2)
                _ = try await test.emptyCall(Souk_Testing_V1_Empty(), options: options)
            }
            _ = try await server.next(ofType: .headers)
            let error = await #expect(throws: RPCError.self) { try await call.value }
            #expect(error?.code == .deadlineExceeded)
            let cancel = try await server.next(ofType: .cancel)
            #expect(cancel.payload.getInteger(at: cancel.payload.readerIndex, as: UInt32.self) == 4)
        }
    }

    @Test("a call its caller cancels sends CANCEL(CANCELLED), even with a deadline still ahead")
    func callerCancellationSendsCancelled() async throws {
        let server = try await FrameRecordingServer.start()
        defer { server.stop() }
        try await withGRPCClient(transport: Self.transport(port: server.port)) { client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            _ = try await server.next(ofType: .settings)
            let call = Task {
                var options = CallOptions.defaults
                options.timeout = .seconds(600)
                _ = try await test.emptyCall(Souk_Testing_V1_Empty(), options: options)
            }
            _ = try await server.next(ofType: .headers)
            call.cancel()
            _ = await call.result
            let cancel = try await server.next(ofType: .cancel)
            #expect(cancel.payload.getInteger(at: cancel.payload.readerIndex, as: UInt32.self) == 1)
        }
    }

    private static func transport(port: Int) -> SWPClientTransport {
        var config = SWPClientTransport.Config(host: "127.0.0.1", port: port, tls: nil)
        config.connectTimeout = .seconds(20)
        return SWPClientTransport(config: config)
    }
}

/// A plaintext SWP peer on loopback that completes the handshake (preface, SETTINGS and its ACK), then only records the
/// frames the client sends and never answers a call.
private final class FrameRecordingServer: Sendable {
    let port: Int
    private let listener: any Channel
    private let frames: AsyncThrowingStream<Frame, any Error>
    private let continuation: AsyncThrowingStream<Frame, any Error>.Continuation

    private init(
        port: Int,
        listener: any Channel,
        frames: AsyncThrowingStream<Frame, any Error>,
        continuation: AsyncThrowingStream<Frame, any Error>.Continuation
    ) {
        self.port = port
        self.listener = listener
        self.frames = frames
        self.continuation = continuation
    }

    static func start() async throws -> FrameRecordingServer {
        let (frames, continuation) = AsyncThrowingStream<Frame, any Error>.makeStream()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maximumFrameSize: 1 << 20))
                    )
                    try channel.pipeline.syncOperations.addHandler(Recorder(continuation: continuation))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FrameRecordingServer(
            port: listener.localAddress?.port ?? 0,
            listener: listener,
            frames: frames,
            continuation: continuation
        )
    }

    /// The next frame of `type` the client sends, skipping others (one caller at a time).
    func next(ofType type: FrameType) async throws -> Frame {
        var iterator = self.frames.makeAsyncIterator()
        while let frame = try await iterator.next() {
            if frame.type == type.rawValue { return frame }
        }
        throw RPCError(code: .internalError, message: "the client closed the connection before sending \(type)")
    }

    func stop() {
        self.continuation.finish()
        self.listener.close(promise: nil)
    }

    /// Answers the client's preface with the server's preface and SETTINGS, and passes on every frame.
    private final class Recorder: ChannelInboundHandler {
        typealias InboundIn = InboundUnit
        let continuation: AsyncThrowingStream<Frame, any Error>.Continuation

        init(continuation: AsyncThrowingStream<Frame, any Error>.Continuation) {
            self.continuation = continuation
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch Self.unwrapInboundIn(data) {
            case .preface:
                var bytes = ByteBuffer()
                Preface.current.write(to: &bytes)
                var settings = ByteBuffer()
                Settings().write(to: &settings)
                Frame(type: .settings, streamID: 0, payload: settings).write(to: &bytes)
                context.writeAndFlush(NIOAny(bytes), promise: nil)
            case .frame(let frame):
                if frame.type == FrameType.settings.rawValue, !frame.has(FrameFlags.ack) {
                    var ack = ByteBuffer()
                    Frame(type: .settings, flags: FrameFlags.ack, streamID: 0, payload: ByteBuffer()).write(to: &ack)
                    context.writeAndFlush(NIOAny(ack), promise: nil)
                }
                self.continuation.yield(frame)
            }
        }
    }
}

import GRPCCore
import NIOCore
import NIOPosix
import SoukAPI
import Testing

@testable import SoukWire

/// The status of the CANCEL a client sends when it ends a call early (PROTOCOL.md §10): DEADLINE_EXCEEDED when the
/// call's deadline passed, CANCELLED when the caller gave up. Checked on the frames a scripted server receives.
@Suite("SWP client: the status of its CANCEL", .timeLimit(.minutes(5)))
struct ClientCancelStatusTests {
    @Test("a call whose deadline passes fails with DEADLINE_EXCEEDED and sends CANCEL(DEADLINE_EXCEEDED)")
    func deadlineSendsDeadlineExceeded() async throws {
        let server = try await FrameRecordingServer.start()
        defer { server.stop() }
        try await withGRPCClient(transport: Self.transport(port: server.port)) { client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            _ = try await server.next(ofType: .settings)
            // On a starved machine a deadline can pass before the call's stream is even opened (then nothing is
            // sent), or the call can wait so long for a thread before reaching the transport that the transport's
            // reckoning of the deadline is late by more than its slack (then CANCEL says CANCELLED). Either way the
            // attempt is made again with a longer deadline: 1 s, doubling, five attempts. With the bug every attempt
            // says CANCELLED.
            var statuses: [UInt32?] = []
            for attempt in 0..<5 where statuses.last != 4 {
                var options = CallOptions.defaults
                options.timeout = .seconds(1 << attempt)
                let error = await #expect(throws: RPCError.self) {
                    _ = try await test.emptyCall(Souk_Testing_V1_Empty(), options: options)
                }
                #expect(error?.code == .deadlineExceeded)
                statuses.append(try await Self.cancelStatus(of: "EmptyCall", on: server, marker: test))
            }
            #expect(statuses.last == 4, "CANCEL status per attempt (nil: no stream opened): \(statuses)")
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

    /// The status of the CANCEL of the call to `method` that just ended, or `nil` when that call never opened a
    /// stream. A marker call (`UnaryCall`) made after it bounds the search: the client writes in order, so the ended
    /// call's HEADERS and CANCEL, if any, come before the marker's HEADERS.
    private static func cancelStatus(
        of method: String,
        on server: FrameRecordingServer,
        marker test: Souk_Testing_V1_TestService.Client<SWPClientTransport>
    ) async throws -> UInt32? {
        let marker = Task { _ = try await test.unaryCall(Souk_Testing_V1_SimpleRequest()) }
        defer { marker.cancel() }
        var opened: UInt32?
        while true {
            let frame = try await server.next()
            let text = String(buffer: frame.payload)
            if frame.type == FrameType.headers.rawValue, text.contains("/\(method)") {
                opened = frame.streamID
            } else if frame.type == FrameType.cancel.rawValue, frame.streamID == opened {
                return frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt32.self)
            } else if frame.type == FrameType.headers.rawValue, text.contains("/UnaryCall") {
                #expect(opened == nil, "the call opened stream \(opened ?? 0) and sent no CANCEL before the next call")
                return nil
            }
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
        while true {
            let frame = try await self.next()
            if frame.type == type.rawValue { return frame }
        }
    }

    /// The next frame the client sends (one caller at a time).
    func next() async throws -> Frame {
        var iterator = self.frames.makeAsyncIterator()
        guard let frame = try await iterator.next() else {
            throw RPCError(code: .internalError, message: "the server stopped before the client sent another frame")
        }
        return frame
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

import GRPCCore
import NIOCore
import NIOPosix
import SoukConformance
import Synchronization
import Testing

@testable import SoukWire

/// PROTOCOL.md §18 is what the implementation really sends: the client's bytes of the document go to a real server,
/// and what comes back must be the server's bytes of the document, byte for byte, at the offsets it gives.
@Suite("PROTOCOL.md §18, the worked examples, against the real server", .timeLimit(.minutes(1)))
struct WorkedExamplesTests {
    let examples: WorkedExamples

    init() throws {
        self.examples = WorkedExamples(document: try WorkedExamples.protocolDocument())
    }

    @Test("§18: every unit's dump has the size its heading gives, at the offset that follows the one before")
    func sizesAndOffsets() throws {
        try #require(self.examples.units.count >= 10, "§18 should hold the setup and two calls")
        var next = [true: 0, false: 0]
        for unit in self.examples.units {
            #expect(unit.bytes.count == unit.declaredSize, "\(unit): \(unit.bytes.count) bytes in the dump")
            #expect(
                unit.offset == next[unit.isFromClient],
                "\(unit): the bytes before it end at \(next[unit.isFromClient]!)"
            )
            next[unit.isFromClient] = unit.offset + unit.bytes.count
        }
    }

    @Test("§18.1–18.3: the server answers the document's client bytes with the document's server bytes")
    func serverAnswersAsDocumented() async throws {
        let units = self.examples.units
        let expected = units.filter { !$0.isFromClient }.flatMap(\.bytes)
        let transport = SWPServerTransport(
            config: SWPServerTransport.Config(host: "127.0.0.1", port: 0, tls: nil)
        )
        let server = GRPCServer(transport: transport, services: [TestService()])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            defer {
                server.beginGracefulShutdown()
                group.cancelAll()
            }
            let connection = try await RawConnection.connect(port: try await transport.listeningPort)
            defer { connection.close() }
            // Each client unit goes once the server has sent what the document shows before it.
            var serverBytesBefore = 0
            for unit in units {
                if unit.isFromClient {
                    try await connection.waitFor(serverBytesBefore)
                    connection.send(unit.bytes)
                } else {
                    serverBytesBefore += unit.bytes.count
                }
            }
            try await connection.waitFor(expected.count)
            let received = connection.received
            #expect(
                received == expected,
                """
                the server sent (\(received.count) bytes):
                \(WorkedExamples.dump(received, startsWithPreface: true))
                the document shows (\(expected.count) bytes):
                \(WorkedExamples.dump(expected, startsWithPreface: true))
                """
            )
        }
    }

    @Test("§18.2's failed call ends with the TRAILERS the encoder writes for NOT_FOUND \"not found\"")
    func failedCallTrailers() throws {
        let shown = try #require(self.examples.loose.first)
        var payload = ByteBuffer()
        WireProtobuf.write(WireProtobuf.Trailers(code: 5, message: "not found", metadata: []), to: &payload)
        var frame = ByteBuffer()
        Frame(type: .trailers, streamID: 1, payload: payload).write(to: &frame)
        #expect(Array(frame.readableBytesView) == shown)
    }

    @Test("§18.3's connection WINDOW_UPDATE of 25 is the frame the encoder writes")
    func windowUpdate() throws {
        try #require(self.examples.loose.count == 2)
        var payload = ByteBuffer()
        payload.writeInteger(UInt32(25))
        var frame = ByteBuffer()
        Frame(type: .windowUpdate, streamID: 0, payload: payload).write(to: &frame)
        #expect(Array(frame.readableBytesView) == self.examples.loose[1])
    }
}

/// A TCP connection that sends bytes as given and keeps every byte it receives.
private final class RawConnection: Sendable {
    private let channel: any Channel
    private let inbox: Inbox

    private final class Inbox: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let bytes = Mutex<[UInt8]>([])

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = Self.unwrapInboundIn(data)
            self.bytes.withLock { $0 += buffer.readableBytesView }
        }
    }

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    static func connect(port: Int) async throws -> RawConnection {
        let inbox = Inbox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(inbox) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, inbox: inbox)
    }

    var received: [UInt8] { self.inbox.bytes.withLock { $0 } }

    func send(_ bytes: [UInt8]) {
        self.channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }

    /// Waits until at least `count` bytes have arrived (at most 30 s: a condition, not a speed).
    func waitFor(_ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while self.received.count < count {
            guard ContinuousClock.now < deadline else {
                Issue.record("only \(self.received.count) of \(count) bytes arrived")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func close() {
        self.channel.close(promise: nil)
    }
}

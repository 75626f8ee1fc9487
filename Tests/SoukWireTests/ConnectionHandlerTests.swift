import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

@testable import SoukWire

/// Protocol violations and their outcomes as PROTOCOL.md defines them, on one server connection in memory.
@Suite("ConnectionHandler (server) against raw frames")
struct ConnectionHandlerTests {
    @Test("the handshake: the server answers the preface with its own, its SETTINGS, and an ACK of the client's")
    func handshake() throws {
        let harness = try ServerConnectionHarness()
        var bytes = ByteBuffer()
        Preface.current.write(to: &bytes)
        harness.appendSettings(to: &bytes)
        try harness.send(bytes)
        let units = try harness.readUnits()
        guard case .preface(let preface) = units.first else {
            Issue.record("no preface")
            return
        }
        #expect(preface == Preface.current)
        let frames = units.dropFirst().compactMap { unit -> Frame? in
            if case .frame(let frame) = unit { return frame }
            return nil
        }
        #expect(frames.map(\.type) == [FrameType.settings.rawValue, FrameType.settings.rawValue])
        #expect(frames.map(\.flags) == [0, FrameFlags.ack])
        #expect(harness.channel.isActive)
    }

    @Test("a wrong preface closes the connection without writing anything")
    func wrongPreface() throws {
        let harness = try ServerConnectionHarness()
        try harness.send(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"))
        #expect(try harness.readUnits().isEmpty)
        #expect(!harness.channel.isActive)
    }

    @Test("another major version gets the server's preface, then GOAWAY VERSION_UNSUPPORTED")
    func versionUnsupported() throws {
        let harness = try ServerConnectionHarness()
        var bytes = ByteBuffer()
        Preface(major: 2, minor: 0).write(to: &bytes)
        try harness.send(bytes)
        let frames = try harness.readFrames()
        #expect(frames.map(\.type) == [FrameType.goAway.rawValue], "no SETTINGS for a peer we cannot serve")
        #expect(frames.compactMap(ServerConnectionHarness.goAwayCode) == [WireErrorCode.versionUnsupported.rawValue])
        #expect(!harness.channel.isActive)
    }

    @Test("a length over MAX_FRAME_SIZE is refused from the header alone, before any payload arrives")
    func oversizedLength() throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        var header = ByteBuffer()
        Frame.writeHeader(to: &header, length: 0x7FFF_FFFF, type: .data, flags: 0, streamID: 1)
        try harness.send(header)
        let frames = try harness.readFrames()
        #expect(frames.compactMap(ServerConnectionHarness.goAwayCode) == [WireErrorCode.frameSizeError.rawValue])
        #expect(!harness.channel.isActive)
    }

    @Test("non-zero reserved bits are a connection PROTOCOL_ERROR")
    func reservedBits() throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        var bytes = ByteBuffer()
        bytes.writeInteger(UInt32(0))
        bytes.writeInteger(FrameType.ping.rawValue)
        bytes.writeInteger(UInt8(0))
        bytes.writeInteger(UInt16(1))
        bytes.writeInteger(UInt32(0))
        try harness.send(bytes)
        #expect(
            try harness.readFrames().compactMap(ServerConnectionHarness.goAwayCode) == [
                WireErrorCode.protocolError.rawValue
            ]
        )
    }

    @Test(
        "stream id violations are connection PROTOCOL_ERRORs",
        arguments: [
            [ServerConnectionHarness.headers(2)],  // even id
            [ServerConnectionHarness.headers(5), ServerConnectionHarness.headers(3)],  // not increasing
            [ServerConnectionHarness.data(7, bytes: 4)],  // never opened
            [Frame(type: .data, streamID: 0, payload: ByteBuffer())],  // DATA on stream 0
        ]
    )
    func streamIDViolations(frames: [Frame]) throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        for frame in frames { try harness.send(frame) }
        #expect(
            try harness.readFrames().compactMap(ServerConnectionHarness.goAwayCode) == [
                WireErrorCode.protocolError.rawValue
            ]
        )
        #expect(!harness.channel.isActive)
    }

    @Test("an unknown frame type is discarded and the connection keeps working")
    func unknownFrameType() throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        try harness.send(Frame(rawType: 0x42, flags: 0, streamID: 0, payload: ByteBuffer(string: "future")))
        try harness.send(Frame(type: .ping, streamID: 0, payload: ByteBuffer(repeating: 7, count: 8)))
        let frames = try harness.readFrames()
        #expect(frames.map(\.type) == [FrameType.ping.rawValue])
        #expect(frames.first?.flags == FrameFlags.ack)
    }

    @Test("a peer that overruns its stream window is a connection FLOW_CONTROL_ERROR")
    func windowOverflow() throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        try harness.send(ServerConnectionHarness.headers(1))
        // Nobody consumes these complete messages, so no credit comes back: 16 × 64 KiB fill the 1 MiB window.
        for _ in 0..<16 { try harness.send(ServerConnectionHarness.data(1, bytes: 65_536)) }
        #expect(try harness.readFrames().compactMap(ServerConnectionHarness.goAwayCode).isEmpty)
        try harness.send(ServerConnectionHarness.data(1, bytes: 1))
        #expect(
            try harness.readFrames().compactMap(ServerConnectionHarness.goAwayCode) == [
                WireErrorCode.flowControlError.rawValue
            ]
        )
    }

    @Test("streams beyond MAX_CONCURRENT_STREAMS are refused with CANCEL UNAVAILABLE, others keep going")
    func concurrencyLimit() throws {
        var settings = Settings()
        settings.maxConcurrentStreams = 2
        let harness = try ServerConnectionHarness(settings: settings)
        try harness.handshake()
        for id: UInt32 in [1, 3, 5] { try harness.send(ServerConnectionHarness.headers(id)) }
        let frames = try harness.readFrames()
        #expect(frames.compactMap(ServerConnectionHarness.cancelCode) == [StreamFailure.unavailable])
        #expect(frames.first?.streamID == 5)
        #expect(harness.opened.map(\.id) == [1, 3])
        #expect(harness.channel.isActive)
    }

    @Test("a HEADERS payload over MAX_HEADER_SIZE is a stream error RESOURCE_EXHAUSTED")
    func oversizedHead() throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        try harness.send(ServerConnectionHarness.headers(1, method: String(repeating: "x", count: 20_000)))
        let frames = try harness.readFrames()
        #expect(frames.compactMap(ServerConnectionHarness.cancelCode) == [StreamFailure.resourceExhausted])
        #expect(harness.channel.isActive)
    }

    @Test("DATA after the client's END_STREAM is a stream error INTERNAL")
    func dataAfterEndStream() throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        try harness.send(ServerConnectionHarness.headers(1))
        try harness.send(ServerConnectionHarness.data(1, bytes: 3, flags: FrameFlags.endMessage | FrameFlags.endStream))
        try harness.send(ServerConnectionHarness.data(1, bytes: 3))
        #expect(try harness.readFrames().compactMap(ServerConnectionHarness.cancelCode) == [StreamFailure.internal])
        #expect(harness.channel.isActive)
    }

    @Test(
        "fragments of one message that disagree on COMPRESSED are a stream error INTERNAL (§5.1, §16.3 #24)",
        arguments: [true, false]
    )
    func fragmentsDisagreeOnCompression(firstIsCompressed: Bool) throws {
        var settings = Settings()
        settings.codecs = Settings.zstdCodec
        let harness = try ServerConnectionHarness(settings: settings)
        try harness.handshake()
        try harness.send(ServerConnectionHarness.headers(1))
        let compressed = FrameFlags.compressed
        try harness.send(ServerConnectionHarness.data(1, bytes: 3, flags: firstIsCompressed ? compressed : 0))
        let last = FrameFlags.endMessage | FrameFlags.endStream | (firstIsCompressed ? 0 : compressed)
        try harness.send(ServerConnectionHarness.data(1, bytes: 3, flags: last))
        #expect(try harness.readFrames().compactMap(ServerConnectionHarness.cancelCode) == [StreamFailure.internal])
        #expect(harness.opened.count == 1)
        #expect(harness.channel.isActive)
    }

    @Test("the deadline in the head is enforced by the server: TRAILERS DEADLINE_EXCEEDED when it passes")
    func deadline() async throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        try harness.send(ServerConnectionHarness.headers(1, timeoutMicroseconds: 50_000))
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(49))
        #expect(try harness.readFrames().isEmpty)
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(2))
        let frames = try harness.readFrames()
        #expect(frames.map(\.type) == [FrameType.trailers.rawValue])
        let trailers = try WireProtobuf.readTrailers(frames[0].payload)
        #expect(trailers.code == StreamFailure.deadlineExceeded)
        // The handler's inbound sequence ends with the same failure.
        let opened = try #require(harness.opened.first)
        await #expect(throws: StreamFailure.self) { for try await _ in opened.inbound {} }
    }

    @Test("CANCEL from the client ends the stream for the handler")
    func clientCancel() async throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        try harness.send(ServerConnectionHarness.headers(1))
        var payload = ByteBuffer()
        payload.writeInteger(StreamFailure.cancelled)
        try harness.send(Frame(type: .cancel, streamID: 1, payload: payload))
        let opened = try #require(harness.opened.first)
        let error = await #expect(throws: StreamFailure.self) { for try await _ in opened.inbound {} }
        #expect(error?.code == StreamFailure.cancelled)
        // Later frames for the cancelled stream are discarded, not fatal.
        try harness.send(ServerConnectionHarness.data(1, bytes: 3))
        #expect(try harness.readFrames().compactMap(ServerConnectionHarness.goAwayCode).isEmpty)
    }

    @Test(
        "§10, §19: once CANCEL is read, no more DATA of the stream goes out, though credit arrives; queued writes fail"
    )
    func noDataAfterCancel() throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        try harness.send(ServerConnectionHarness.headers(1))
        let handler = try harness.channel.pipeline.syncOperations.handler(type: ConnectionHandler.self)
        let loop = harness.channel.embeddedEventLoop
        // 2 MiB of messages against a 1 MiB stream window: half goes out, half waits for credit.
        let failed = NIOLockedValueBox(0)
        for _ in 0..<32 {
            let promise = loop.makePromise(of: Void.self)
            promise.futureResult.whenFailure { _ in failed.withLockedValue { $0 += 1 } }
            handler.sendMessage(
                ByteBuffer(repeating: 7, count: 65_536),
                isCompressed: false,
                endStream: false,
                on: 1,
                promise: promise
            )
        }
        let before = try harness.readFrames().filter { $0.type == FrameType.data.rawValue }
        #expect(before.reduce(0) { $0 + $1.payload.readableBytes } == 1_048_576)
        var cancel = ByteBuffer()
        cancel.writeInteger(StreamFailure.cancelled)
        try harness.send(Frame(type: .cancel, streamID: 1, payload: cancel))
        #expect(failed.withLockedValue { $0 } == 16, "the writes still waiting for credit fail with the stream")
        var update = ByteBuffer()
        update.writeInteger(UInt32(4_194_304))
        try harness.send(Frame(type: .windowUpdate, streamID: 1, payload: update))
        try harness.send(Frame(type: .windowUpdate, streamID: 0, payload: update))
        let after = try harness.readFrames()
        #expect(after.filter { $0.type == FrameType.data.rawValue }.isEmpty)
        #expect(after.compactMap(ServerConnectionHarness.goAwayCode).isEmpty)
    }

    @Test("graceful drain: GOAWAY(max) and PING, then GOAWAY naming the last stream after the ACK")
    func drain() throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        try harness.send(ServerConnectionHarness.headers(1))
        _ = try harness.readFrames()
        try harness.channel.pipeline.syncOperations.handler(type: ConnectionHandler.self).beginGracefulShutdown()
        let first = try harness.readFrames()
        #expect(first.map(\.type) == [FrameType.goAway.rawValue, FrameType.ping.rawValue])
        #expect(first[0].payload.getInteger(at: first[0].payload.readerIndex, as: UInt32.self) == 0x7FFF_FFFF)
        // §15 step 2: a stream arriving before the PING ACK left the client before it saw the GOAWAY: it is taken.
        try harness.send(ServerConnectionHarness.headers(3))
        #expect(try harness.readFrames().compactMap(ServerConnectionHarness.cancelCode).isEmpty)
        var ack = first[1]
        ack.flags = FrameFlags.ack
        try harness.send(ack)
        let second = try harness.readFrames()
        #expect(second.map(\.type) == [FrameType.goAway.rawValue])
        #expect(second[0].payload.getInteger(at: second[0].payload.readerIndex, as: UInt32.self) == 3)
        // HEADERS above the final GOAWAY's id are discarded (chosen): nothing is written for them.
        try harness.send(ServerConnectionHarness.headers(5))
        #expect(try harness.readFrames().isEmpty)
        #expect(harness.channel.isActive, "streams 1 and 3 are still open")
    }

    @Test("§3, §16.3 #4: a client whose SETTINGS have not come 10 s after the start gets GOAWAY(SETTINGS_TIMEOUT)")
    func settingsTimeout() throws {
        let harness = try ServerConnectionHarness()
        var preface = ByteBuffer()
        Preface.current.write(to: &preface)
        try harness.send(preface)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(
            try harness.readFrames().compactMap(ServerConnectionHarness.goAwayCode) == [
                WireErrorCode.settingsTimeout.rawValue
            ]
        )
        #expect(!harness.channel.isActive)
        // With SETTINGS in time nothing happens at 10 s.
        let prompt = try ServerConnectionHarness()
        try prompt.handshake()
        prompt.channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(prompt.channel.isActive)
    }

    @Test("a truncated frame followed by silence is closed by the idle timeout with GOAWAY idle")
    func truncatedFrameThenSilence() throws {
        let harness = try ServerConnectionHarness(idleTimeout: .seconds(5))
        try harness.handshake()
        var partial = ByteBuffer()
        Frame.writeHeader(to: &partial, length: 100, type: .data, flags: 0, streamID: 1)
        partial.writeBytes([1, 2, 3])
        try harness.send(partial)
        // The partial frame counts as activity for the first period; the second period of silence closes.
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(6))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(
            try harness.readFrames().compactMap(ServerConnectionHarness.goAwayCode) == [WireErrorCode.noError.rawValue]
        )
        #expect(!harness.channel.isActive)
    }

    @Test("an idle period with a call open does not close the connection")
    func idleWithOpenStream() throws {
        let harness = try ServerConnectionHarness(idleTimeout: .seconds(5))
        try harness.handshake()
        try harness.send(ServerConnectionHarness.headers(1))
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(20))
        #expect(harness.channel.isActive)
    }

    @Test("a reader that never reads stops the sender at the window: writes wait for credit, nothing piles up")
    func slowReaderBackpressure() throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        try harness.send(ServerConnectionHarness.headers(1))
        let handler = try harness.channel.pipeline.syncOperations.handler(type: ConnectionHandler.self)
        let loop = harness.channel.embeddedEventLoop
        // The client's stream window is 1 MiB; try to send 2 MiB in 64 KiB messages without it reading.
        var promises: [EventLoopFuture<Void>] = []
        for _ in 0..<32 {
            let promise = loop.makePromise(of: Void.self)
            handler.sendMessage(
                ByteBuffer(repeating: 7, count: 65_536),
                isCompressed: false,
                endStream: false,
                on: 1,
                promise: promise
            )
            promises.append(promise.futureResult)
        }
        let sent = try harness.readFrames().filter { $0.type == FrameType.data.rawValue }
        #expect(sent.reduce(0) { $0 + $1.payload.readableBytes } == 1_048_576)
        let completed = promises.filter { future in
            // Futures of the embedded loop complete synchronously, so this reads their state now.
            let done = NIOLockedValueBox(false)
            future.whenComplete { _ in done.withLockedValue { $0 = true } }
            return done.withLockedValue { $0 }
        }
        #expect(completed.count == 16, "writers past the window stay suspended")

        // The reader consumes half: exactly that much more goes out.
        var update = ByteBuffer()
        update.writeInteger(UInt32(524_288))
        try harness.send(Frame(type: .windowUpdate, streamID: 1, payload: update))
        let more = try harness.readFrames().filter { $0.type == FrameType.data.rawValue }
        #expect(more.reduce(0) { $0 + $1.payload.readableBytes } == 524_288)
    }
}

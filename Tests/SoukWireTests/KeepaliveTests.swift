import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import SoukWire

@Suite("Keepalive and ping policing")
struct KeepaliveTests {
    @Test(
        "a server answers more than two PINGs within the minimum interval, with no call open, with GOAWAY ENHANCE_YOUR_CALM"
    )
    func pingPolicing() throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        let ping = Frame(type: .ping, streamID: 0, payload: ByteBuffer(repeating: 1, count: 8))
        try harness.send(ping)
        try harness.send(ping)
        #expect(try harness.readFrames().compactMap(ServerConnectionHarness.goAwayCode).isEmpty)
        try harness.send(ping)
        #expect(
            try harness.readFrames().compactMap(ServerConnectionHarness.goAwayCode) == [
                WireErrorCode.enhanceYourCalm.rawValue
            ]
        )
        #expect(!harness.channel.isActive)
    }

    @Test("pings while a call is open, or spaced by the minimum interval, are fine")
    func politePings() throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        let ping = Frame(type: .ping, streamID: 0, payload: ByteBuffer(repeating: 1, count: 8))
        for _ in 0..<5 {
            try harness.send(ping)
            harness.channel.embeddedEventLoop.advanceTime(by: .minutes(6))
        }
        try harness.send(ServerConnectionHarness.headers(1))
        for _ in 0..<5 { try harness.send(ping) }
        #expect(try harness.readFrames().compactMap(ServerConnectionHarness.goAwayCode).isEmpty)
        #expect(harness.channel.isActive)
    }

    @Test("a client pings a quiet connection and closes it when no ACK comes back in time")
    func clientKeepalive() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameSize: 65_536)))
        try channel.pipeline.syncOperations.addHandler(
            ConnectionHandler(
                role: .client,
                settings: Settings(),
                delegate: .init(),
                logger: Logger(label: "test"),
                keepalive: .init(interval: .seconds(10), timeout: .seconds(5))
            )
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        var server = ByteBuffer()
        Preface.current.write(to: &server)
        var settings = ByteBuffer()
        Settings().write(to: &settings)
        Frame(type: .settings, streamID: 0, payload: settings).write(to: &server)
        try channel.writeInbound(server)

        var decoder = FrameDecoder(maximumFrameSize: 1 << 24)
        var written = ByteBuffer()
        func frames() throws -> [Frame] {
            channel.embeddedEventLoop.run()
            while var chunk = try channel.readOutbound(as: ByteBuffer.self) { written.writeBuffer(&chunk) }
            var result: [Frame] = []
            while let unit = try decoder.decode(&written) {
                if case .frame(let frame) = unit { result.append(frame) }
            }
            return result
        }
        _ = try frames()

        // The handshake counts as activity for the first interval; after a whole quiet one comes a PING,
        // the server answers, and the connection lives on.
        channel.embeddedEventLoop.advanceTime(by: .seconds(20))
        let firstPing = try #require(try frames().first { $0.type == FrameType.ping.rawValue })
        var ack = firstPing
        ack.flags = FrameFlags.ack
        var ackBytes = ByteBuffer()
        ack.write(to: &ackBytes)
        try channel.writeInbound(ackBytes)
        channel.embeddedEventLoop.advanceTime(by: .seconds(6))
        #expect(channel.isActive)

        // The ACK was activity for one interval; after the next quiet one, a PING nobody answers, and after
        // the timeout the connection is closed.
        channel.embeddedEventLoop.advanceTime(by: .seconds(14))
        #expect(try frames().contains { $0.type == FrameType.ping.rawValue && $0.flags == 0 })
        channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(!channel.isActive)
    }
}

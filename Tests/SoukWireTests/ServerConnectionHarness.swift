import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import SoukWire

/// A server-side ``ConnectionHandler`` in an `EmbeddedChannel`: bytes in, frames out, time under control.
final class ServerConnectionHarness {
    let channel = EmbeddedChannel()
    private final class Recorder: Sendable {
        let streams = Mutex<[ConnectionHandler.OpenedStream]>([])
    }

    private let recorder = Recorder()

    /// The streams the handler reported as opened, in order.
    var opened: [ConnectionHandler.OpenedStream] { self.recorder.streams.withLock { $0 } }
    private var decoder = FrameDecoder(maximumFrameSize: 16 * 1024 * 1024)
    private var received = ByteBuffer()

    init(settings: Settings = Settings(), idleTimeout: TimeAmount? = nil) throws {
        let recorder = self.recorder
        let delegate = ConnectionHandler.Delegate(streamOpened: { stream in
            recorder.streams.withLock { $0.append(stream) }
        })
        try self.channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(FrameDecoder(maximumFrameSize: settings.maxFrameSize))
        )
        try self.channel.pipeline.syncOperations.addHandler(
            ConnectionHandler(
                role: .server,
                settings: settings,
                delegate: delegate,
                logger: Logger(label: "test"),
                idleTimeout: idleTimeout
            )
        )
        try self.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    /// Sends the client preface and SETTINGS, and reads the server's answer.
    func handshake() throws {
        var bytes = ByteBuffer()
        Preface.current.write(to: &bytes)
        self.appendSettings(to: &bytes)
        try self.send(bytes)
        let units = try self.readUnits()
        guard case .preface = units.first else {
            Issue.record("the server did not answer with its preface")
            return
        }
    }

    func appendSettings(to bytes: inout ByteBuffer) {
        var payload = ByteBuffer()
        Settings().write(to: &payload)
        Frame(type: .settings, streamID: 0, payload: payload).write(to: &bytes)
    }

    func send(_ bytes: ByteBuffer) throws {
        do {
            try self.channel.writeInbound(bytes)
        } catch is WireError {
            // The handler already answered with GOAWAY; the error also travels down the pipeline.
        }
        self.channel.embeddedEventLoop.run()
    }

    func send(_ frame: Frame) throws {
        var bytes = ByteBuffer()
        frame.write(to: &bytes)
        try self.send(bytes)
    }

    /// Every preface and frame the server has written since the last call.
    func readUnits() throws -> [InboundUnit] {
        self.channel.embeddedEventLoop.run()
        while var chunk = try self.channel.readOutbound(as: ByteBuffer.self) {
            self.received.writeBuffer(&chunk)
        }
        var units: [InboundUnit] = []
        while let unit = try self.decoder.decode(&self.received) { units.append(unit) }
        return units
    }

    /// The frames written since the last call.
    func readFrames() throws -> [Frame] {
        try self.readUnits().compactMap { unit in
            if case .frame(let frame) = unit { return frame }
            return nil
        }
    }

    static func headers(
        _ id: UInt32,
        method: String = "/souk.testing.v1.TestService/Echo",
        timeoutMicroseconds: UInt64 = 0
    ) -> Frame {
        var payload = ByteBuffer()
        WireProtobuf.write(
            WireProtobuf.RequestHead(method: method, timeoutMicroseconds: timeoutMicroseconds, metadata: []),
            to: &payload
        )
        return Frame(type: .headers, streamID: id, payload: payload)
    }

    static func data(_ id: UInt32, bytes: Int, flags: UInt8 = FrameFlags.endMessage) -> Frame {
        Frame(type: .data, flags: flags, streamID: id, payload: ByteBuffer(repeating: 0, count: bytes))
    }

    static func goAwayCode(_ frame: Frame) -> UInt32? {
        guard frame.type == FrameType.goAway.rawValue else { return nil }
        return frame.payload.getInteger(at: frame.payload.readerIndex + 4, as: UInt32.self)
    }

    static func cancelCode(_ frame: Frame) -> UInt32? {
        guard frame.type == FrameType.cancel.rawValue else { return nil }
        return frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt32.self)
    }
}

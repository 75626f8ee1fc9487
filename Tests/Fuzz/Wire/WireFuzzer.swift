// The SWP frame decoder and connection state machine under libFuzzer.
//
// Built with `scripts/fuzz` (`-sanitize=fuzzer,address -DFUZZING`), its `main` hands control to libFuzzer's driver.
// Built normally, it is a small program that replays files (the committed corpus in Tests/Fuzz/corpus/wire)
// through the same harness, so the corpus stays a regression test (see SoukFuzzSupport's `FuzzMain`).
import Logging
import NIOCore
import NIOEmbedded
import SoukFuzzSupport
import SoukWire

/// Feeds `bytes` to a server and to a client connection after a valid handshake; nothing may crash or hang.
///
/// The first byte picks the chunk size, so the fuzzer also explores frames split across reads.
func fuzzConnection(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let chunk = Int(first % 64) + 1
    for role in [ConnectionHandler.Role.server, .client] {
        let channel = EmbeddedChannel()
        var settings = Settings()
        settings.maxFrameSize = 16_384
        settings.codecs = Settings.zstdCodec
        do {
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(FrameDecoder(maximumFrameSize: settings.maxFrameSize))
            )
            let handler = ConnectionHandler(
                role: role,
                settings: settings,
                delegate: .init(),
                logger: Logger(label: "fuzz")
            )
            try channel.pipeline.syncOperations.addHandler(handler)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            var handshake = ByteBuffer()
            Preface.current.write(to: &handshake)
            var payload = ByteBuffer()
            Settings().write(to: &payload)
            Frame(type: .settings, streamID: 0, payload: payload).write(to: &handshake)
            _ = try? channel.writeInbound(handshake)
            if role == .client {
                // Give the server something to answer on.
                var continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation?
                _ = AsyncThrowingStream<StreamEvent, any Error> { continuation = $0 }
                if let continuation {
                    _ = handler.openStream(
                        head: .init(method: "/a.B/C", timeoutMicroseconds: 1_000, metadata: []),
                        continuation: continuation
                    )
                }
            }
            var index = 1
            while index < bytes.count, channel.isActive {
                let end = min(index + chunk, bytes.count)
                _ = try? channel.writeInbound(ByteBuffer(bytes: bytes[index..<end]))
                channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
                while (try? channel.readOutbound(as: ByteBuffer.self)) != nil {}
                index = end
            }
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            _ = try? channel.finish()
        } catch {
            continue
        }
    }
}

@main
struct WireFuzzer {
    static func main() {
        FuzzMain.run(harness: fuzzConnection)
    }
}

import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import SoukWire

/// A stream's outbox against a peer that never reads: its writer waits at the high-water mark, and still ends when
/// its task is cancelled (a call's deadline, a shutdown, the database going away), instead of waiting for credit that
/// never comes.
@Suite("StreamOutbox: a writer held back by a peer that never reads")
struct StreamOutboxTests {
    @Test("a writer waiting for a reader that never reads throws CancellationError when its task is cancelled")
    func cancelledWriterEnds() async throws {
        let harness = try ServerConnectionHarness()
        try harness.handshake()
        try harness.send(ServerConnectionHarness.headers(1))
        let handler = try harness.channel.pipeline.syncOperations.handler(type: ConnectionHandler.self)
        let connection = ConnectionHandle(channel: harness.channel, handler: handler)
        let outbox = StreamOutbox(connection: connection, streamID: { 1 })
        let started = Mutex(0)
        let outcome = Mutex<(any Error)??>(nil)
        let writer = Task {
            do {
                // 2 MiB against the client's 1 MiB stream window, which never grows: 16 messages go out, the rest
                // queue, and the 21st write (over 256 KiB queued) waits.
                for _ in 0..<32 {
                    started.withLock { $0 += 1 }
                    try await outbox.write(ByteBuffer(repeating: 7, count: 65_536), isCompressed: false)
                }
                outcome.withLock { $0 = .some(nil) }
            } catch {
                outcome.withLock { $0 = .some(error) }
            }
        }
        try await Self.waitUntil { started.withLock { $0 } >= 21 }
        #expect(outcome.withLock { $0 } == nil, "the writer is held back by the window")
        writer.cancel()
        try await Self.waitUntil { outcome.withLock { $0 } != nil }
        let error = try #require(outcome.withLock { $0 })
        #expect(error is CancellationError, "\(String(describing: error))")
        #expect(started.withLock { $0 } == 21, "no write after the one that waited")
    }

    /// Polls `condition` every 10 ms for up to 30 s (generous: only a writer that never ends reaches it).
    private static func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

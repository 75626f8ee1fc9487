import GRPCCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SoukAPI
import SoukWire
import Testing

/// A client facing a server that accepts the connection and never answers, as a server stopping in the middle of a
/// handshake does: the attempt must end by shutdown, cancellation or timeout, never hold the client forever.
@Suite("SWP client against a silent server", .timeLimit(.minutes(1)))
struct SilentServerTests {
    @Test("a graceful shutdown while the server has not answered ends the client at once")
    func gracefulShutdownEndsTheAttempt() async throws {
        let server = try await SilentServer.start()
        defer { server.stop() }
        // Only the shutdown can end this attempt within the suite's time limit.
        var config = SWPClientTransport.Config(host: "127.0.0.1", port: server.port, tls: nil)
        config.connectTimeout = .seconds(600)
        let started = ContinuousClock.now
        try await withGRPCClient(transport: SWPClientTransport(config: config)) { _ in
            // The attempt is under way once the server has the connection; returning shuts the client down.
            await server.nextConnection()
        }
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("cancelling the client while the server has not answered ends it at once")
    func cancellationEndsTheAttempt() async throws {
        let server = try await SilentServer.start()
        defer { server.stop() }
        var config = SWPClientTransport.Config(host: "127.0.0.1", port: server.port, tls: nil)
        config.connectTimeout = .seconds(600)
        let transport = SWPClientTransport(config: config)
        let connecting = Task { try await transport.connect() }
        await server.nextConnection()
        let cancelled = ContinuousClock.now
        connecting.cancel()
        try await connecting.value
        #expect(ContinuousClock.now - cancelled < .seconds(30))
    }

    @Test("a call to a server that never answers fails with UNAVAILABLE once the connect timeout passes")
    func handshakeTimesOut() async throws {
        let server = try await SilentServer.start()
        defer { server.stop() }
        var config = SWPClientTransport.Config(host: "127.0.0.1", port: server.port, tls: nil)
        // Generous, so that on a busy machine the TCP connect (which shares this bound) is long done and the
        // handshake's own timer is what ends the attempt; 500 ms once let a starved event loop time out the connect.
        config.connectTimeout = .seconds(5)
        config.backoffInitial = .seconds(60)
        try await withGRPCClient(transport: SWPClientTransport(config: config)) { client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            let error = await #expect(throws: RPCError.self) { try await test.emptyCall(Souk_Testing_V1_Empty()) }
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("no SWP handshake within") == true)
        }
    }
}

/// A TCP listener on loopback that accepts connections and never reads or writes.
private final class SilentServer: Sendable {
    let port: Int
    private let listener: any Channel
    private let connections: NIOLockedValueBox<[any Channel]>
    private let accepted: AsyncStream<Void>

    private init(
        port: Int,
        listener: any Channel,
        connections: NIOLockedValueBox<[any Channel]>,
        accepted: AsyncStream<Void>
    ) {
        self.port = port
        self.listener = listener
        self.connections = connections
        self.accepted = accepted
    }

    static func start() async throws -> SilentServer {
        let connections = NIOLockedValueBox<[any Channel]>([])
        let (accepted, continuation) = AsyncStream<Void>.makeStream()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                connections.withLockedValue { $0.append(channel) }
                continuation.yield()
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return SilentServer(
            port: listener.localAddress?.port ?? 0,
            listener: listener,
            connections: connections,
            accepted: accepted
        )
    }

    /// Waits until the server has accepted one more connection.
    func nextConnection() async {
        var iterator = self.accepted.makeAsyncIterator()
        _ = await iterator.next()
    }

    func stop() {
        self.listener.close(promise: nil)
        for connection in self.connections.withLockedValue({ $0 }) { connection.close(promise: nil) }
    }
}

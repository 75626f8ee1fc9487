package import GRPCCore
package import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// The SWP/1 listener: GRPCCore's `ServerTransport`, and the calls ``SWPServer`` serves directly.
///
/// Each connection is served in a child task of a discarding task group and each RPC in a child task of its
/// connection's group. Deadlines and peer cancellation reach handlers through `context.cancellation`. A connection
/// accepted but not yet served when the accept loop ends is closed, so no client waits on a server that stopped.
/// soukd serves it with ``SWPServer``; `GRPCServer` works on it too, with the same results and more work per call.
///
/// ```swift
/// let transport = SWPServerTransport(config: .init(host: "127.0.0.1", port: 7700, tls: tls))
/// let server = SWPServer(transport: transport, services: [TestService()], bindings: SWPServiceBindings.all)
/// try await server.serve()
/// ```
package final class SWPServerTransport: ServerTransport, Sendable {
    package typealias Bytes = WireBytes

    /// How the server listens.
    package struct Config: Sendable {
        /// The address to bind.
        package var host: String
        /// The port; 0 picks a free one (see ``listeningPort``).
        package var port: Int
        /// TLS settings; `nil` for plaintext (only when asked for explicitly).
        package var tls: WireTLS.Server?
        /// What this server is willing to receive.
        package var settings: Settings
        /// Whether responses may be compressed with zstd for clients that accept it.
        package var compressOutgoing: Bool
        /// The smallest message compressed.
        package var compressionThresholdBytes: Int
        /// A connection with no open stream that receives nothing for this long is closed with GOAWAY "idle".
        package var idleTimeout: Duration

        /// Creates a configuration with the protocol's default settings and zstd accepted.
        package init(host: String, port: Int, tls: WireTLS.Server?) {
            self.host = host
            self.port = port
            self.tls = tls
            self.settings = Settings()
            self.settings.codecs = Settings.zstdCodec
            self.compressOutgoing = false
            self.compressionThresholdBytes = 1024
            self.idleTimeout = .seconds(30 * 60)
        }
    }

    private struct Connection: Sendable {
        let handle: ConnectionHandle
        let streams: AsyncStream<AcceptedStream>
    }

    /// A stream the client opened, with the relay its cancellation already goes to.
    private struct AcceptedStream: Sendable {
        let opened: ConnectionHandler.OpenedStream
        let cancellation: CancellationRelay
    }

    /// The connection's handler, for its delegate (which the handler holds, hence weak).
    ///
    /// `@unchecked Sendable`: set once before the handler is added to the pipeline and read only on the connection's
    /// event loop, where the handler calls its delegate.
    private final class HandlerReference: @unchecked Sendable {
        weak var handler: ConnectionHandler?
    }

    private struct State {
        var serverChannel: (any Channel)?
        var connections: [ObjectIdentifier: ConnectionHandle] = [:]
        /// Accepted, and not yet handed to the accept loop.
        var unserved: [ObjectIdentifier: any Channel] = [:]
        /// The accept loop is over: what is accepted now is closed.
        var acceptsEnded = false
        var isShuttingDown = false
        var portWaiters: [CheckedContinuation<Int, any Error>] = []
        var port: Int?
        var listenError: String?
    }

    private let config: Config
    private let logger: Logger
    private let state = Mutex(State())
    /// Counted apart from `state`, without a lock, for the metrics: a stream changes it twice.
    private let connectionsOpen = Atomic<Int>(0)
    private let streamsOpen = Atomic<Int>(0)

    /// The connections served now (read by the metrics endpoint at each scrape).
    package var openConnectionCount: Int { self.connectionsOpen.load(ordering: .relaxed) }

    /// The streams being served now, on every connection.
    package var openStreamCount: Int { self.streamsOpen.load(ordering: .relaxed) }

    /// Creates a transport; nothing listens until `listen` runs.
    package init(config: Config, logger: Logger = Logger(label: "souk.swp.server")) {
        self.config = config
        self.logger = logger
    }

    /// The bound port, once listening.
    package var listeningPort: Int {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let result: Result<Int, any Error>? = self.state.withLock { state in
                    if let port = state.port { return .success(port) }
                    if let error = state.listenError { return .failure(RPCError(code: .unavailable, message: error)) }
                    state.portWaiters.append(continuation)
                    return nil
                }
                if let result { continuation.resume(with: result) }
            }
        }
    }

    package func listen(
        streamHandler: @escaping @Sendable (RPCStream<Inbound, Outbound>, ServerContext) async -> Void
    ) async throws {
        try await self.listen(dispatch: { call in
            let descriptor = Self.descriptor(for: call.path)
            await call.withContext(descriptor: descriptor) { context in
                await streamHandler(call.makeRPCStream(descriptor: descriptor), context)
            }
        })
    }

    /// Listens and hands every accepted call to `dispatch`, in a child task of its connection's task group.
    ///
    /// GRPCCore's `listen(streamHandler:)` is this with each call turned into an `RPCStream`; ``SWPServer`` serves
    /// the calls directly.
    package func listen(dispatch: @escaping @Sendable (SWPServerCall) async -> Void) async throws {
        let serverChannel: NIOAsyncChannel<Connection, Never>
        do {
            serverChannel = try await self.bind()
        } catch {
            let waiters = self.state.withLock { state in
                state.listenError = "SWP cannot listen on \(self.config.host):\(self.config.port): \(error)"
                defer { state.portWaiters.removeAll() }
                return state.portWaiters
            }
            for waiter in waiters { waiter.resume(throwing: error) }
            throw error
        }
        let port = serverChannel.channel.localAddress?.port ?? self.config.port
        let (waiters, shutDownAlready) = self.state.withLock { state in
            state.serverChannel = serverChannel.channel
            state.port = port
            defer { state.portWaiters.removeAll() }
            return (state.portWaiters, state.isShuttingDown)
        }
        for waiter in waiters { waiter.resume(returning: port) }
        if shutDownAlready { serverChannel.channel.close(promise: nil) }

        try await withTaskCancellationHandler {
            try await serverChannel.executeThenClose { connections in
                await withDiscardingTaskGroup { group in
                    do {
                        for try await connection in connections {
                            group.addTask { await self.serve(connection, dispatch: dispatch) }
                        }
                    } catch {
                        self.logger.debug("SWP accept loop ended", metadata: ["error": "\(error)"])
                    }
                    self.closeUnserved()
                }
            }
        } onCancel: {
            // The abrupt stop: no more accepts, every stream cancelled, every connection closed.
            let (listener, connections) = self.state.withLock { ($0.serverChannel, Array($0.connections.values)) }
            listener?.close(promise: nil)
            for connection in connections { connection.execute { $0.closeNow() } }
            self.closeUnserved()
        }
    }

    /// Ends accepting: closes the connections the accept loop will never serve, and any accepted later.
    private func closeUnserved() {
        let unserved = self.state.withLock { state in
            state.acceptsEnded = true
            defer { state.unserved.removeAll() }
            return Array(state.unserved.values)
        }
        for channel in unserved { channel.close(promise: nil) }
    }

    /// Records an accepted connection until it is served; false once accepting has ended.
    private func admit(_ channel: any Channel) -> Bool {
        let key = ObjectIdentifier(channel)
        let admitted = self.state.withLock { state in
            guard !state.acceptsEnded else { return false }
            state.unserved[key] = channel
            return true
        }
        if admitted {
            channel.closeFuture.whenComplete { _ in
                _ = self.state.withLock { $0.unserved.removeValue(forKey: key) }
            }
        }
        return admitted
    }

    package func beginGracefulShutdown() {
        let (channel, connections) = self.state.withLock { state in
            state.isShuttingDown = true
            return (state.serverChannel, Array(state.connections.values))
        }
        channel?.close(promise: nil)
        for connection in connections { connection.execute { $0.beginGracefulShutdown() } }
    }

    // MARK: - Connections and streams

    private func bind() async throws -> NIOAsyncChannel<Connection, Never> {
        let sslContext = try self.config.tls.map { try WireTLS.makeServerContext($0) }
        let settings = self.config.settings
        let logger = self.logger
        let idleTimeout = TimeAmount(self.config.idleTimeout)
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: self.config.host, port: self.config.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard self.admit(channel) else {
                        throw RPCError(code: .unavailable, message: "the SWP server has stopped accepting")
                    }
                    let sync = channel.pipeline.syncOperations
                    if let sslContext {
                        try sync.addHandler(NIOSSLServerHandler(context: sslContext))
                        try sync.addHandler(ALPNRequirementHandler())
                    }
                    try sync.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameSize: settings.maxFrameSize)))
                    let (streams, continuation) = AsyncStream<AcceptedStream>.makeStream()
                    let reference = HandlerReference()
                    let delegate = ConnectionHandler.Delegate(
                        streamOpened: { opened in
                            // On the event loop, as the stream opens: its cancellation is wired before its task
                            // exists, so no call pays an event-loop hop for it.
                            let relay = CancellationRelay()
                            reference.handler?.setOnCancel({ relay.cancel() }, for: opened.id)
                            continuation.yield(AcceptedStream(opened: opened, cancellation: relay))
                        },
                        closed: { _ in continuation.finish() }
                    )
                    let handler = ConnectionHandler(
                        role: .server,
                        settings: settings,
                        delegate: delegate,
                        logger: logger,
                        idleTimeout: idleTimeout
                    )
                    reference.handler = handler
                    try sync.addHandler(handler)
                    channel.closeFuture.whenComplete { _ in continuation.finish() }
                    return Connection(handle: ConnectionHandle(channel: channel, handler: handler), streams: streams)
                }
            }
    }

    private func serve(
        _ connection: Connection,
        dispatch: @escaping @Sendable (SWPServerCall) async -> Void
    ) async {
        let key = ObjectIdentifier(connection.handle.channel)
        let drainNow = self.state.withLock { state in
            state.connections[key] = connection.handle
            state.unserved.removeValue(forKey: key)
            return state.isShuttingDown
        }
        if drainNow { connection.handle.execute { $0.beginGracefulShutdown() } }
        self.connectionsOpen.wrappingAdd(1, ordering: .relaxed)
        defer { self.connectionsOpen.wrappingSubtract(1, ordering: .relaxed) }
        let remotePeer = SWPClientTransport.peer(connection.handle.channel.remoteAddress)
        let localPeer = SWPClientTransport.peer(connection.handle.channel.localAddress)
        await withDiscardingTaskGroup { group in
            for await accepted in connection.streams {
                group.addTask {
                    self.streamsOpen.wrappingAdd(1, ordering: .relaxed)
                    defer { self.streamsOpen.wrappingSubtract(1, ordering: .relaxed) }
                    await dispatch(self.call(accepted, on: connection.handle, remotePeer, localPeer))
                }
            }
        }
        _ = self.state.withLock { $0.connections.removeValue(forKey: key) }
    }

    private func call(
        _ accepted: AcceptedStream,
        on connection: ConnectionHandle,
        _ remotePeer: String,
        _ localPeer: String
    ) -> SWPServerCall {
        let opened = accepted.opened
        let compression = MessageCompression.endpoint(
            localSettings: self.config.settings,
            // As in gRPC, a client that compressed its request gets a compressed response.
            compressesOutgoing: (self.config.compressOutgoing || Self.requestIsCompressed(opened.head))
                && opened.peerAcceptsZstd,
            thresholdBytes: self.config.compressionThresholdBytes
        )
        return SWPServerCall(
            opened: opened,
            connection: connection,
            remotePeer: remotePeer,
            localPeer: localPeer,
            compression: compression,
            cancellation: accepted.cancellation
        )
    }

    /// Whether the client declared zstd for this call's messages (`grpc-encoding: zstd`).
    static func requestIsCompressed(_ head: WireProtobuf.RequestHead) -> Bool {
        head.metadata.contains { $0.key == "grpc-encoding" && $0.value == .text("zstd") }
    }

    /// "/package.Service/Method" -> a descriptor; anything else names no method (the router answers UNIMPLEMENTED).
    static func descriptor(for path: String) -> MethodDescriptor {
        let trimmed = path.hasPrefix("/") ? path.dropFirst() : Substring(path)
        guard let slash = trimmed.lastIndex(of: "/") else {
            return MethodDescriptor(fullyQualifiedService: String(trimmed), method: "")
        }
        return MethodDescriptor(
            fullyQualifiedService: String(trimmed[..<slash]),
            method: String(trimmed[trimmed.index(after: slash)...])
        )
    }
}

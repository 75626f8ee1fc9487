package import GRPCCore
package import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// GRPCCore's `ClientTransport` over SWP/1: one multiplexed connection, re-established with backoff.
///
/// While the server cannot be reached, calls fail at once with UNAVAILABLE naming the cause (unless the
/// call asks to wait for readiness); the first connection attempt is waited for. An attempt ends within
/// ``Config/connectTimeout``, handshake included, and a graceful shutdown abandons it, as it abandons the wait
/// before the next: a server that accepts and never answers cannot hold the client open.
///
/// ```swift
/// let transport = SWPClientTransport(config: .init(host: "127.0.0.1", port: 7700, tls: .init(certificateAuthorityPath: ".souk/tls/ca.pem")))
/// try await withGRPCClient(transport: transport) { client in ... }
/// ```
package final class SWPClientTransport: ClientTransport, Sendable {
    package typealias Bytes = WireBytes

    /// How the client connects.
    package struct Config: Sendable {
        /// The server's host name or address.
        package var host: String
        /// The server's port.
        package var port: Int
        /// TLS settings; `nil` for plaintext (loopback tests and benchmarks only).
        package var tls: WireTLS.Client?
        /// What this client is willing to receive.
        package var settings: Settings
        /// Whether to compress outgoing messages with zstd when the server accepts it.
        package var compressOutgoing: Bool
        /// The smallest message compressed.
        package var compressionThresholdBytes: Int
        /// Reconnect backoff: first delay, multiplier, ceiling and jitter, as gRPC's defaults.
        package var backoffInitial: Duration
        package var backoffMultiplier: Double
        package var backoffMaximum: Duration
        package var backoffJitter: Double
        /// How long one connection attempt may take: TCP, TLS and the SWP settings exchange together.
        package var connectTimeout: Duration
        /// Keepalive pings on quiet connections; off by default, as in gRPC.
        package var keepalive: ConnectionHandler.Keepalive?

        /// Creates a configuration with gRPC's backoff defaults.
        package init(host: String, port: Int, tls: WireTLS.Client?) {
            self.host = host
            self.port = port
            self.tls = tls
            self.settings = Settings()
            self.settings.codecs = Settings.zstdCodec
            self.compressOutgoing = false
            self.compressionThresholdBytes = 1024
            self.backoffInitial = .seconds(1)
            self.backoffMultiplier = 1.6
            self.backoffMaximum = .seconds(120)
            self.backoffJitter = 0.2
            self.connectTimeout = .seconds(10)
            self.keepalive = nil
        }
    }

    private enum State {
        /// No attempt finished yet: callers wait for the first one.
        case connecting(waiters: [Int: CheckedContinuation<ConnectionHandle, any Error>])
        case ready(ConnectionHandle)
        /// The last attempt failed or the connection dropped; the next attempt is pending.
        case unavailable(reason: String, waiters: [Int: CheckedContinuation<ConnectionHandle, any Error>])
        case closed
    }

    private let config: Config
    private let logger: Logger
    private let state = Mutex<State>(.connecting(waiters: [:]))
    private let nextWaiter = Atomic<Int>(0)
    private let shutdown = Mutex(Shutdown())

    /// What a graceful shutdown stops besides the ready connection.
    private struct Shutdown {
        var isRequested = false
        /// The channel of the attempt in progress; a shutdown closes it.
        var attempt: (any Channel)?
        /// The wait before the next attempt; a shutdown cancels it.
        var backoff: Task<Void, Never>?
    }

    /// Creates a transport; nothing connects until ``connect()`` runs.
    package init(config: Config, logger: Logger = Logger(label: "souk.swp.client")) {
        self.config = config
        self.logger = logger
    }

    package let retryThrottle: RetryThrottle? = nil

    package func config(forMethod descriptor: MethodDescriptor) -> MethodConfig? { nil }

    package func connect() async throws {
        var delay = self.config.backoffInitial
        while !self.isShutdownRequested, !Task.isCancelled {
            do {
                let (connection, closed) = try await self.establish()
                delay = self.config.backoffInitial
                self.becomeReady(connection)
                // Serve until the connection ends, or until cancelled (the abrupt stop).
                await withTaskCancellationHandler {
                    await closed.waitForCompletion()
                } onCancel: {
                    connection.channel.close(promise: nil)
                }
                self.becomeUnavailable("the connection to \(self.config.host):\(self.config.port) was lost")
            } catch {
                self.becomeUnavailable("cannot connect to \(self.config.host):\(self.config.port): \(error)")
            }
            if self.isShutdownRequested || Task.isCancelled { break }
            let jitter = 1 + Double.random(in: -self.config.backoffJitter...self.config.backoffJitter)
            await self.backOff(for: delay * jitter)
            delay = min(delay * self.config.backoffMultiplier, self.config.backoffMaximum)
        }
        let waiters = self.state.withLock { state -> [CheckedContinuation<ConnectionHandle, any Error>] in
            defer { state = .closed }
            switch state {
            case .connecting(let waiters), .unavailable(_, let waiters): return Array(waiters.values)
            case .ready(let connection):
                connection.channel.close(promise: nil)
                return []
            case .closed: return []
            }
        }
        for waiter in waiters {
            waiter.resume(throwing: RPCError(code: .unavailable, message: "the client transport stopped"))
        }
    }

    package func beginGracefulShutdown() {
        let (attempt, backoff) = self.shutdown.withLock { shutdown in
            shutdown.isRequested = true
            return (shutdown.attempt, shutdown.backoff)
        }
        // No connection yet: the attempt under way and the wait for the next one end now.
        attempt?.close(promise: nil)
        backoff?.cancel()
        let reason = "the client transport is shutting down"
        let (connection, waiters) = self.state.withLock {
            state -> (ConnectionHandle?, [CheckedContinuation<ConnectionHandle, any Error>]) in
            switch state {
            case .ready(let connection):
                return (connection, [])
            case .connecting(let waiters), .unavailable(_, let waiters):
                state = .unavailable(reason: reason, waiters: [:])
                return (nil, Array(waiters.values))
            case .closed:
                return (nil, [])
            }
        }
        // Calls still waiting for a connection fail, as in grpc-swift's HTTP/2 channel.
        for waiter in waiters { waiter.resume(throwing: RPCError(code: .unavailable, message: reason)) }
        // In-flight streams finish; the connection closes when the last one has.
        connection?.execute { $0.closeWhenIdle() }
    }

    /// Waits before the next attempt; a graceful shutdown or cancellation ends the wait early.
    private func backOff(for duration: Duration) async {
        let wait = Task { _ = try? await Task.sleep(for: duration) }
        let isShutdownRequested = self.shutdown.withLock { shutdown in
            shutdown.backoff = wait
            return shutdown.isRequested
        }
        if isShutdownRequested { wait.cancel() }
        await withTaskCancellationHandler {
            await wait.value
        } onCancel: {
            wait.cancel()
        }
        self.shutdown.withLock { $0.backoff = nil }
    }

    private var isShutdownRequested: Bool { self.shutdown.withLock { $0.isRequested } }

    package func withStream<T: Sendable>(
        descriptor: MethodDescriptor,
        options: CallOptions,
        _ closure: (RPCStream<Inbound, Outbound>, ClientContext) async throws -> T
    ) async throws -> T {
        // As close as the transport gets to GRPCCore's own deadline (taken when the call started).
        let slot = ClientStreamSlot(timeout: options.timeout)
        guard !self.isShutdownRequested else {
            throw RPCError(code: .failedPrecondition, message: "the client transport is shutting down")
        }
        let connection = try await self.readyConnection(waitForReady: options.waitForReady ?? false)
        let (events, continuation) = AsyncThrowingStream<StreamEvent, any Error>.makeStream()
        let timeout = try Self.wireTimeout(options.timeout)
        // A call asking for compression (any algorithm: GRPCCore cannot name zstd) gets SWP's codec, zstd,
        // when the server accepts it; otherwise the transport's default applies.
        let wantsCompression = options.compression.map { $0 != .none } ?? self.config.compressOutgoing
        let compresses = wantsCompression && connection.peerSettings.codecs & Settings.zstdCodec != 0
        let compression = MessageCompression.endpoint(
            localSettings: self.config.settings,
            compressesOutgoing: compresses,
            thresholdBytes: self.config.compressionThresholdBytes
        )
        let stream = RPCStream(
            descriptor: descriptor,
            inbound: RPCAsyncSequence(
                wrapping: ClientStreamInbound(
                    events: events,
                    connection: connection,
                    slot: slot,
                    compression: compression
                )
            ),
            outbound: RPCWriter.Closable(
                wrapping: ClientStreamWriter(
                    connection: connection,
                    slot: slot,
                    method: "/\(descriptor.fullyQualifiedMethod)",
                    timeoutMicroseconds: timeout,
                    continuation: continuation,
                    compression: compression
                )
            )
        )
        let context = ClientContext(
            descriptor: descriptor,
            remotePeer: Self.peer(connection.channel.remoteAddress),
            localPeer: Self.peer(connection.channel.localAddress)
        )
        defer {
            // Whatever the closure did, the stream ends here: cancel it if it may still be open (a call that read
            // the final status is over, and skips the hop to the event loop).
            if !slot.sawStatus {
                connection.execute { handler in
                    if let id = slot.id {
                        handler.cancel(id, status: slot.cancelStatus)
                    } else {
                        slot.isAbandoned = true
                    }
                }
            }
        }
        return try await closure(stream, context)
    }

    // MARK: - Connections

    private func readyConnection(waitForReady: Bool) async throws -> ConnectionHandle {
        let id = self.nextWaiter.wrappingAdd(1, ordering: .relaxed).oldValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<ConnectionHandle, any Error>) in
                let outcome: Result<ConnectionHandle, any Error>? = self.state.withLock { state in
                    if case .ready(let connection) = state, !connection.channel.isActive {
                        // Closed, and the connect loop has not noticed yet: treat it as the outage it is.
                        state = .unavailable(
                            reason: "the connection to \(self.config.host):\(self.config.port) was lost",
                            waiters: [:]
                        )
                    }
                    switch state {
                    case .ready(let connection):
                        return .success(connection)
                    case .connecting(var waiters):
                        waiters[id] = waiter
                        state = .connecting(waiters: waiters)
                        return nil
                    case .unavailable(let reason, var waiters):
                        guard waitForReady else { return .failure(RPCError(code: .unavailable, message: reason)) }
                        waiters[id] = waiter
                        state = .unavailable(reason: reason, waiters: waiters)
                        return nil
                    case .closed:
                        return .failure(RPCError(code: .failedPrecondition, message: "the client transport is closed"))
                    }
                }
                if let outcome { waiter.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> CheckedContinuation<ConnectionHandle, any Error>? in
                switch state {
                case .connecting(var waiters):
                    let waiter = waiters.removeValue(forKey: id)
                    state = .connecting(waiters: waiters)
                    return waiter
                case .unavailable(let reason, var waiters):
                    let waiter = waiters.removeValue(forKey: id)
                    state = .unavailable(reason: reason, waiters: waiters)
                    return waiter
                case .ready, .closed:
                    return nil
                }
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func becomeReady(_ connection: ConnectionHandle) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<ConnectionHandle, any Error>] in
            switch state {
            case .connecting(let waiters), .unavailable(_, let waiters):
                state = .ready(connection)
                return Array(waiters.values)
            case .ready, .closed:
                state = .ready(connection)
                return []
            }
        }
        for waiter in waiters { waiter.resume(returning: connection) }
        // A shutdown requested while this connection was being made must still close it.
        if self.isShutdownRequested { connection.execute { $0.closeWhenIdle() } }
    }

    private func becomeUnavailable(_ reason: String) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<ConnectionHandle, any Error>] in
            switch state {
            case .connecting(let waiters):
                // The first attempt failed: the callers waiting for it learn why.
                state = .unavailable(reason: reason, waiters: [:])
                return Array(waiters.values)
            case .unavailable(_, let waiters):
                state = .unavailable(reason: reason, waiters: waiters)
                return []
            case .ready:
                state = .unavailable(reason: reason, waiters: [:])
                return []
            case .closed:
                return []
            }
        }
        for waiter in waiters { waiter.resume(throwing: RPCError(code: .unavailable, message: reason)) }
        self.logger.debug("SWP connection unavailable", metadata: ["reason": "\(reason)"])
    }

    /// Connects, handshakes and waits for the server's settings; returns the connection and a future of its end.
    ///
    /// The attempt fails when the connect timeout passes first, when a graceful shutdown begins, or when the task
    /// is cancelled.
    private func establish() async throws -> (ConnectionHandle, EventLoopFuture<Void>) {
        let sslContext = try self.config.tls.map { try WireTLS.makeClientContext($0) }
        let settings = self.config.settings
        let logger = self.logger
        let serverHostname = self.config.tls?.serverHostname
        let keepalive = self.config.keepalive
        let group = MultiThreadedEventLoopGroup.singleton
        let eventLoop = group.next()
        let ready = eventLoop.makePromise(of: Void.self)
        let connecting = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount(self.config.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let sslContext {
                        try sync.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname))
                        try sync.addHandler(ALPNRequirementHandler())
                    }
                    try sync.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameSize: settings.maxFrameSize)))
                    let delegate = ConnectionHandler.Delegate(
                        ready: { ready.succeed() },
                        closed: { error in
                            ready.fail(error ?? RPCError(code: .unavailable, message: "the connection closed"))
                        }
                    )
                    try sync.addHandler(
                        ConnectionHandler(
                            role: .client,
                            settings: settings,
                            delegate: delegate,
                            logger: logger,
                            keepalive: keepalive
                        )
                    )
                }
            }
            .connect(host: self.config.host, port: self.config.port)
        let channel: any Channel
        do {
            channel = try await connecting.get()
        } catch {
            // The handshake promise must complete either way.
            ready.fail(error)
            throw error
        }
        channel.closeFuture.whenComplete { _ in
            ready.fail(RPCError(code: .unavailable, message: "the connection closed during the handshake"))
        }
        // A server that accepts and never answers: the handshake shares the attempt's time.
        let timeout = self.config.connectTimeout
        let expiry = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            ready.fail(RPCError(code: .unavailable, message: "no SWP handshake within \(timeout)"))
        }
        ready.futureResult.whenComplete { _ in expiry.cancel() }
        let isShutdownRequested = self.shutdown.withLock { shutdown in
            shutdown.attempt = channel
            return shutdown.isRequested
        }
        defer { self.shutdown.withLock { $0.attempt = nil } }
        if isShutdownRequested { channel.close(promise: nil) }
        do {
            try await withTaskCancellationHandler {
                try await ready.futureResult.get()
            } onCancel: {
                ready.fail(CancellationError())
            }
        } catch {
            channel.close(promise: nil)
            throw error
        }
        let handle = try await channel.eventLoop.submit {
            ConnectionHandle(
                channel: channel,
                handler: try channel.pipeline.syncOperations.handler(type: ConnectionHandler.self)
            )
        }.get()
        return (handle, channel.closeFuture)
    }

    /// The deadline as whole microseconds, rounded up so a tiny remainder never becomes "no deadline".
    static func wireTimeout(_ timeout: Duration?) throws -> UInt64 {
        guard let timeout else { return 0 }
        guard timeout > .zero else {
            throw RPCError(code: .deadlineExceeded, message: "the deadline passed before the call started")
        }
        let (seconds, attoseconds) = timeout.components
        let micros = UInt64(seconds) * 1_000_000 + UInt64((attoseconds + 999_999_999_999) / 1_000_000_000_000)
        return max(micros, 1)
    }

    static func peer(_ address: SocketAddress?) -> String {
        switch address {
        case .v4(let v4)?: return "ipv4:\(v4.host):\(address?.port ?? 0)"
        case .v6(let v6)?: return "ipv6:[\(v6.host)]:\(address?.port ?? 0)"
        case .unixDomainSocket?: return "unix:\(address?.pathname ?? "")"
        case nil: return "unknown"
        }
    }
}

extension EventLoopFuture where Value == Void {
    /// Waits for the future, ignoring its error.
    fileprivate func waitForCompletion() async {
        _ = try? await self.get()
    }
}

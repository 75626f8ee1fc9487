package import Logging
package import NIOCore

/// One SWP/1 connection: preface, settings, stream multiplexing, flow control, deadlines, drain.
///
/// All streams of a connection live in this one handler on the connection's event loop: there is no child
/// channel per stream. Frames written in one event-loop tick are coalesced into one buffer and one flush.
/// The async side (the GRPCCore transports) talks to it through ``ConnectionHandle``, which hops onto the loop.
///
/// The protocol's rules are values the handler feeds and obeys: ``ConnectionStateMachine`` for the connection's
/// (handshake, stream ids, refusals, GOAWAY, drain, PING policing) and each stream's ``StreamStateMachine``. What stays
/// here is flow-control arithmetic (PROTOCOL.md §13), message reassembly, the client's keepalive, timers and writes.
package final class ConnectionHandler: ChannelDuplexHandler {
    package typealias InboundIn = InboundUnit
    package typealias OutboundIn = Never
    package typealias OutboundOut = ByteBuffer

    /// Which end of the connection this is.
    package enum Role: Sendable { case client, server }

    /// A stream the server's peer opened.
    package struct OpenedStream: Sendable {
        /// The stream id.
        package var id: UInt32
        /// The request head.
        package var head: WireProtobuf.RequestHead
        /// Messages, then the end of the request (or a failure).
        package var inbound: AsyncThrowingStream<StreamEvent, any Error>
        /// Whether the client advertised zstd, so responses may be compressed.
        package var peerAcceptsZstd: Bool
    }

    /// Callbacks into the transport; all are called on the event loop.
    package struct Delegate: Sendable {
        /// Server: a new stream. Must register a cancel callback with ``ConnectionHandler/setOnCancel(_:for:)``.
        var streamOpened: @Sendable (OpenedStream) -> Void = { _ in }
        /// The connection is ready for streams (client: server preface and settings received).
        var ready: @Sendable () -> Void = {}
        /// The connection ended; no stream survives it.
        var closed: @Sendable ((any Error)?) -> Void = { _ in }
        /// The peer sent GOAWAY: no new streams on this connection.
        var goingAway: @Sendable () -> Void = {}

        package init(
            streamOpened: @escaping @Sendable (OpenedStream) -> Void = { _ in },
            ready: @escaping @Sendable () -> Void = {},
            closed: @escaping @Sendable ((any Error)?) -> Void = { _ in },
            goingAway: @escaping @Sendable () -> Void = {}
        ) {
            self.streamOpened = streamOpened
            self.ready = ready
            self.closed = closed
            self.goingAway = goingAway
        }
    }

    let role: Role
    let localSettings: Settings
    var remoteSettings = Settings()
    var delegate: Delegate
    let logger: Logger

    var context: ChannelHandlerContext?
    var streams: [UInt32: StreamContext] = [:]
    /// Client calls waiting, in order, for a stream under the server's MAX_CONCURRENT_STREAMS (§7.4).
    var waitingOpens: [WaitingOpen] = []
    /// The connection-level rules (PROTOCOL.md §3, §7.1, §7.4, §14, §15): handshake, stream ids, refusals, GOAWAY,
    /// drain, PING policing. Each stream's own rules are its ``StreamContext/state``.
    var state: ConnectionStateMachine

    var connectionSendWindow: Int
    var connectionReceiveWindow: Int
    var connectionConsumedUnreturned = 0
    var streamsWaitingForCredit: [UInt32] = []

    var outbound = ByteBuffer()
    var isFlushScheduled = false
    var hasUnflushedWrites = false
    var isInRead = false

    let idleTimeout: TimeAmount?
    var readsSinceIdleCheck = 0
    var idleCheck: Scheduled<Void>?
    var settingsTimeout: Scheduled<Void>?

    /// Creates the handler for one connection.
    ///
    /// - Parameter idleTimeout: when set, a connection with no open stream that receives nothing for one to two
    ///   such periods is closed with GOAWAY "idle" (this also ends a peer that sent part of a frame and went silent).
    /// Client keepalive: ping after this long without reads, and give up when no ACK comes within the timeout.
    package struct Keepalive: Sendable, Hashable {
        /// How long without reading anything before a PING.
        package var interval: TimeAmount
        /// How long to wait for the PING's ACK before the connection is considered dead.
        package var timeout: TimeAmount

        /// Creates a keepalive policy.
        package init(interval: TimeAmount, timeout: TimeAmount) {
            self.interval = interval
            self.timeout = timeout
        }
    }

    let keepalive: Keepalive?
    var readsSinceKeepalive = 0
    var keepalivePing: (marker: UInt64, timeout: Scheduled<Void>)?
    var keepaliveTask: Scheduled<Void>?

    package init(
        role: Role,
        settings: Settings,
        delegate: Delegate,
        logger: Logger,
        idleTimeout: TimeAmount? = nil,
        keepalive: Keepalive? = nil
    ) {
        self.idleTimeout = idleTimeout
        self.keepalive = keepalive
        self.role = role
        self.localSettings = settings
        self.state = ConnectionStateMachine(role: role, settings: settings)
        self.delegate = delegate
        self.logger = logger
        self.connectionSendWindow = Settings().connectionWindow
        self.connectionReceiveWindow = settings.connectionWindow
    }

    // MARK: - Channel events

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.outbound = context.channel.allocator.buffer(capacity: 16 * 1024)
        if context.channel.isActive { self.start(context: context) }
    }

    package func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    var started = false
    func start(context: ChannelHandlerContext) {
        guard !self.started else { return }
        self.started = true
        self.scheduleIdleCheck(context: context)
        self.scheduleKeepalive(context: context)
        self.scheduleSettingsTimeout(context: context)
        if self.role == .client {
            self.writePrefaceAndSettings()
            self.flushNow()
        }
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.isInRead = true
        self.readsSinceIdleCheck += 1
        self.readsSinceKeepalive += 1
        do {
            switch self.unwrapInboundIn(data) {
            case .preface(let preface): try self.receive(preface)
            case .frame(let frame): try self.receive(frame)
            }
        } catch let error as WireError {
            self.fail(error)
        } catch {
            self.fail(WireError.connection(.internalError, "\(error)"))
        }
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        self.isInRead = false
        self.flushNow()
        context.fireChannelReadComplete()
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? WireError {
            self.fail(error)
        } else if let error = error as? ByteToMessageDecoderError, case .leftoverDataWhenDone = error {
            self.closeAll(StreamFailure(code: StreamFailure.unavailable, message: "connection closed"))
        } else {
            self.logger.debug("connection error", metadata: ["error": "\(error)"])
            self.closeAll(StreamFailure(code: StreamFailure.unavailable, message: "connection failed: \(error)"))
            context.close(promise: nil)
        }
    }

    /// Counts reads rather than reading a clock, so the check follows the event loop's own (testable) time.
    func scheduleIdleCheck(context: ChannelHandlerContext) {
        guard let idleTimeout = self.idleTimeout else { return }
        self.idleCheck = context.eventLoop.assumeIsolated().scheduleTask(in: idleTimeout) { [weak self] in
            guard let self, let context = self.context else { return }
            switch self.state.idleTimerFired(hasRead: self.readsSinceIdleCheck > 0) {
            case .stop:
                return
            case .closeIdle(let lastStreamID):
                // Nothing arrived for a whole period and no call is open: a forgotten connection, or a peer that
                // sent part of a frame and went silent. Either way it holds resources for nothing.
                self.writeGoAway(lastStreamID: lastStreamID, code: .noError, message: "idle")
                self.flushNow()
                self.closeAll(StreamFailure(code: StreamFailure.unavailable, message: "the connection was idle"))
                context.close(promise: nil)
            case .reschedule:
                self.readsSinceIdleCheck = 0
                self.scheduleIdleCheck(context: context)
            }
        }
    }

    /// §3, §16.3 #4: a peer whose SETTINGS have not arrived 10 seconds after the connection started is sent
    /// GOAWAY(SETTINGS_TIMEOUT) (a server that never saw a preface closes without a word).
    func scheduleSettingsTimeout(context: ChannelHandlerContext) {
        self.settingsTimeout = context.eventLoop.assumeIsolated().scheduleTask(in: Self.settingsTimeoutPeriod) {
            [weak self] in
            guard let self, self.state.settingsTimerFired() else { return }
            self.fail(WireError.connection(.settingsTimeout, "no SETTINGS within 10 seconds"))
        }
    }

    /// How long the peer's SETTINGS may take (§3).
    static let settingsTimeoutPeriod: TimeAmount = .seconds(10)

    package func channelInactive(context: ChannelHandlerContext) {
        self.settingsTimeout?.cancel()
        self.idleCheck?.cancel()
        self.keepaliveTask?.cancel()
        self.keepalivePing?.timeout.cancel()
        self.closeAll(StreamFailure(code: StreamFailure.unavailable, message: "the connection was closed"))
        context.fireChannelInactive()
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

}

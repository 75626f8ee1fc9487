package import Logging
package import NIOCore

/// One SWP/1 connection: preface, settings, stream multiplexing, flow control, deadlines, drain.
///
/// All streams of a connection live in this one handler on the connection's event loop: there is no child
/// channel per stream. Frames written in one event-loop tick are coalesced into one buffer and one flush.
/// The async side (the GRPCCore transports) talks to it through ``ConnectionHandle``, which hops onto the loop.
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
    private let localSettings: Settings
    private var remoteSettings = Settings()
    private var delegate: Delegate
    private let logger: Logger

    private var context: ChannelHandlerContext?
    private var streams: [UInt32: StreamContext] = [:]
    private var lastStreamID: UInt32 = 0
    private var prefaceReceived = false
    private var settingsReceived = false
    private var isReady = false
    private var isClosed = false
    /// Client: the peer's GOAWAY limit. Server: whether we are draining.
    private var goAwayLastStreamID: UInt32?
    private var isDraining = false
    private var isClosingWhenIdle = false
    private var drainPing: UInt64?

    private var connectionSendWindow: Int
    private var connectionReceiveWindow: Int
    private var connectionConsumedUnreturned = 0
    private var streamsWaitingForCredit: [UInt32] = []

    private var outbound = ByteBuffer()
    private var isFlushScheduled = false
    private var hasUnflushedWrites = false
    private var isInRead = false

    private let idleTimeout: TimeAmount?
    private var readsSinceIdleCheck = 0
    private var idleCheck: Scheduled<Void>?

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

    private let keepalive: Keepalive?
    private var readsSinceKeepalive = 0
    private var keepalivePing: (marker: UInt64, timeout: Scheduled<Void>)?
    private var keepaliveTask: Scheduled<Void>?
    /// Server: PINGs that arrived too soon after the previous one while no stream was open.
    private var pingStrikes = 0
    private var lastPingWithoutStreams: NIODeadline?

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

    private var started = false
    private func start(context: ChannelHandlerContext) {
        guard !self.started else { return }
        self.started = true
        self.scheduleIdleCheck(context: context)
        self.scheduleKeepalive(context: context)
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
    private func scheduleIdleCheck(context: ChannelHandlerContext) {
        guard let idleTimeout = self.idleTimeout else { return }
        self.idleCheck = context.eventLoop.assumeIsolated().scheduleTask(in: idleTimeout) { [weak self] in
            guard let self, let context = self.context, !self.isClosed else { return }
            if self.readsSinceIdleCheck == 0, self.streams.isEmpty {
                // Nothing arrived for a whole period and no call is open: a forgotten connection, or a peer that
                // sent part of a frame and went silent. Either way it holds resources for nothing.
                self.writeGoAway(lastStreamID: self.lastStreamID, code: .noError, message: "idle")
                self.flushNow()
                self.closeAll(StreamFailure(code: StreamFailure.unavailable, message: "the connection was idle"))
                context.close(promise: nil)
                return
            }
            self.readsSinceIdleCheck = 0
            self.scheduleIdleCheck(context: context)
        }
    }

    package func channelInactive(context: ChannelHandlerContext) {
        self.idleCheck?.cancel()
        self.keepaliveTask?.cancel()
        self.keepalivePing?.timeout.cancel()
        self.closeAll(StreamFailure(code: StreamFailure.unavailable, message: "the connection was closed"))
        context.fireChannelInactive()
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: - Receiving

    private func receive(_ preface: Preface) throws {
        guard !self.prefaceReceived else { throw WireError.connection(.protocolError, "second preface") }
        self.prefaceReceived = true
        if self.role == .server {
            guard preface.major == Preface.current.major else {
                // Our preface tells the client which version we speak; no SETTINGS for a peer we cannot serve.
                Preface.current.write(to: &self.outbound)
                throw WireError.connection(
                    .versionUnsupported,
                    "server speaks SWP/\(Preface.current.major).\(Preface.current.minor)"
                )
            }
            self.writePrefaceAndSettings()
        } else if preface.major != Preface.current.major {
            throw WireError.connection(.versionUnsupported, "client speaks SWP/\(Preface.current.major)")
        }
    }

    private func receive(_ frame: Frame) throws {
        self.logger.trace(
            "frame in",
            metadata: [
                "role": "\(self.role)", "type": "\(frame.type)", "flags": "\(frame.flags)",
                "stream": "\(frame.streamID)", "length": "\(frame.payload.readableBytes)",
            ]
        )
        guard self.prefaceReceived else { throw WireError.connection(.protocolError, "frame before preface") }
        guard let type = FrameType(rawValue: frame.type) else { return }  // Unknown types are discarded.
        if !self.settingsReceived, type != .settings {
            throw WireError.connection(.protocolError, "the first frame must be SETTINGS")
        }
        switch type {
        case .settings: try self.receiveSettings(frame)
        case .ping: try self.receivePing(frame)
        case .goAway: try self.receiveGoAway(frame)
        case .windowUpdate: try self.receiveWindowUpdate(frame)
        case .headers, .data, .trailers, .cancel:
            guard frame.streamID != 0 else {
                throw WireError.connection(.protocolError, "\(type) frame on stream 0")
            }
            try self.receiveStreamFrame(type, frame)
        }
    }

    private func receiveSettings(_ frame: Frame) throws {
        guard frame.streamID == 0 else { throw WireError.connection(.protocolError, "SETTINGS on a stream") }
        if frame.has(FrameFlags.ack) {
            guard frame.payload.readableBytes == 0 else {
                throw WireError.connection(.frameSizeError, "SETTINGS ACK with a payload")
            }
            return
        }
        let isFirst = !self.settingsReceived
        let previousStreamWindow = self.remoteSettings.initialStreamWindow
        try self.remoteSettings.apply(frame.payload, isFirst: isFirst)
        self.settingsReceived = true
        if isFirst {
            self.connectionSendWindow = self.remoteSettings.connectionWindow
        } else {
            // A new initial window shifts every open stream's credit by the difference, as in HTTP/2.
            let delta = self.remoteSettings.initialStreamWindow - previousStreamWindow
            for stream in self.streams.values { stream.sendWindow += delta }
        }
        self.writeFrame(type: .settings, flags: FrameFlags.ack, streamID: 0, payload: nil)
        if isFirst, !self.isReady {
            self.isReady = true
            self.delegate.ready()
        }
        self.drainPendingWrites()
        self.scheduleFlush()
    }

    private func receivePing(_ frame: Frame) throws {
        guard frame.streamID == 0 else { throw WireError.connection(.protocolError, "PING on a stream") }
        guard frame.payload.readableBytes == 8 else {
            throw WireError.connection(.frameSizeError, "PING must carry 8 bytes")
        }
        if frame.has(FrameFlags.ack) {
            let received = frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt64.self)
            if let ping = self.keepalivePing, received == ping.marker {
                ping.timeout.cancel()
                self.keepalivePing = nil
            }
            if let marker = self.drainPing,
                frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt64.self) == marker
            {
                // Every stream the client sent before it saw the first GOAWAY has arrived: name the real last one.
                self.drainPing = nil
                self.writeGoAway(lastStreamID: self.lastStreamID, code: .noError, message: "draining")
                self.closeIfDrained()
            }
            return
        }
        if self.role == .server, let context = self.context {
            try self.policePing(now: context.eventLoop.now)
        }
        self.writeFrame(type: .ping, flags: FrameFlags.ack, streamID: 0, payload: frame.payload)
    }

    /// Server: more than two PINGs within KEEPALIVE_MIN_INTERVAL_MS while no stream is open is abuse.
    private func policePing(now: NIODeadline) throws {
        guard self.streams.isEmpty else {
            self.pingStrikes = 0
            self.lastPingWithoutStreams = nil
            return
        }
        let minimum = TimeAmount.milliseconds(Int64(self.localSettings.keepaliveMinimumIntervalMilliseconds))
        if let last = self.lastPingWithoutStreams, now - last < minimum {
            self.pingStrikes += 1
        }
        self.lastPingWithoutStreams = now
        if self.pingStrikes >= 2 {
            throw WireError.connection(.enhanceYourCalm, "too many pings")
        }
    }

    /// Client: pings after a quiet interval; a missing ACK means the connection is dead.
    private func scheduleKeepalive(context: ChannelHandlerContext) {
        guard self.role == .client, let keepalive = self.keepalive else { return }
        self.keepaliveTask = context.eventLoop.assumeIsolated().scheduleTask(in: keepalive.interval) { [weak self] in
            guard let self, let context = self.context, !self.isClosed else { return }
            if self.readsSinceKeepalive == 0, self.keepalivePing == nil {
                let marker = UInt64.random(in: 1...UInt64.max)
                var payload = ByteBuffer()
                payload.writeInteger(marker)
                self.writeFrame(type: .ping, flags: 0, streamID: 0, payload: payload)
                self.flushNow()
                let timeout = context.eventLoop.assumeIsolated().scheduleTask(in: keepalive.timeout) { [weak self] in
                    guard let self, !self.isClosed else { return }
                    self.closeAll(StreamFailure(code: StreamFailure.unavailable, message: "keepalive: no PING ACK"))
                    self.context?.close(promise: nil)
                }
                self.keepalivePing = (marker, timeout)
            }
            self.readsSinceKeepalive = 0
            self.scheduleKeepalive(context: context)
        }
    }

    private func receiveGoAway(_ frame: Frame) throws {
        guard frame.streamID == 0 else { throw WireError.connection(.protocolError, "GOAWAY on a stream") }
        var payload = frame.payload
        guard let last = payload.readInteger(as: UInt32.self), let code = payload.readInteger(as: UInt32.self) else {
            throw WireError.connection(.frameSizeError, "GOAWAY shorter than 8 bytes")
        }
        let debug = payload.readString(length: payload.readableBytes) ?? ""
        self.goAwayLastStreamID = min(last, self.goAwayLastStreamID ?? last)
        self.logger.debug("received GOAWAY", metadata: ["last": "\(last)", "code": "\(code)", "debug": "\(debug)"])
        self.delegate.goingAway()
        // Streams the peer never processed fail as unavailable: safe to retry elsewhere.
        for (id, stream) in self.streams where id > last {
            self.finish(
                stream,
                failure: StreamFailure(code: StreamFailure.unavailable, message: "refused by GOAWAY: \(debug)")
            )
        }
        if code != WireErrorCode.noError.rawValue {
            self.closeAll(StreamFailure(code: StreamFailure.unavailable, message: "connection error \(code): \(debug)"))
            self.context?.close(promise: nil)
        } else if self.streams.isEmpty, self.role == .client {
            self.context?.close(promise: nil)
        }
    }

    private func receiveWindowUpdate(_ frame: Frame) throws {
        guard frame.payload.readableBytes == 4 else {
            throw WireError.connection(.frameSizeError, "WINDOW_UPDATE must carry 4 bytes")
        }
        let increment = Int(frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt32.self)!)
        if frame.streamID == 0 {
            guard increment > 0 else { throw WireError.connection(.protocolError, "WINDOW_UPDATE of 0") }
            self.connectionSendWindow += increment
            guard self.connectionSendWindow <= Settings.maximumWindow else {
                throw WireError.connection(.flowControlError, "connection window above 2^31-1")
            }
            self.drainPendingWrites()
            return
        }
        guard let stream = self.streams[frame.streamID] else { return }  // Closed: discard.
        guard increment > 0 else {
            self.resetStream(stream, status: StreamFailure.internal, message: "WINDOW_UPDATE of 0")
            return
        }
        stream.sendWindow += increment
        guard stream.sendWindow <= Settings.maximumWindow else {
            self.resetStream(stream, status: StreamFailure.internal, message: "stream window above 2^31-1")
            return
        }
        self.drain(stream)
    }

    private func receiveStreamFrame(_ type: FrameType, _ frame: Frame) throws {
        let id = frame.streamID
        if type == .headers, self.role == .server, self.streams[id] == nil {
            try self.openServerStream(frame)
            return
        }
        if self.role == .server, type == .trailers {
            throw WireError.connection(.protocolError, "TRAILERS from a client")
        }
        if id > self.lastStreamID {
            if type == .cancel { return }
            throw WireError.connection(.protocolError, "\(type) frame for stream \(id), which was never opened")
        }
        if type == .data {
            // Credit is spent whether or not the stream still exists.
            self.connectionReceiveWindow -= frame.payload.readableBytes
            guard self.connectionReceiveWindow >= 0 else {
                throw WireError.connection(.flowControlError, "the peer overran the connection window")
            }
        }
        guard let stream = self.streams[id] else {
            // A closed stream: discard, but return the connection credit the frame used.
            if type == .data { self.returnConnectionCredit(frame.payload.readableBytes) }
            return
        }
        switch type {
        case .data: try self.receiveData(frame, on: stream)
        case .headers: self.receiveResponseHead(frame, on: stream)
        case .trailers: self.receiveTrailers(frame, on: stream)
        case .cancel: try self.receiveCancel(frame, on: stream)
        default: break
        }
    }

    private func openServerStream(_ frame: Frame) throws {
        let id = frame.streamID
        guard id % 2 == 1, id > self.lastStreamID else {
            throw WireError.connection(.protocolError, "stream id \(id) is even or not increasing")
        }
        self.lastStreamID = id
        if self.isDraining {
            self.writeCancel(id, status: StreamFailure.unavailable)
            return
        }
        guard self.streams.count < self.localSettings.maxConcurrentStreams else {
            self.writeCancel(id, status: StreamFailure.unavailable)
            return
        }
        guard frame.payload.readableBytes <= self.localSettings.maxHeaderSize else {
            self.writeCancel(id, status: StreamFailure.resourceExhausted)
            return
        }
        let head: WireProtobuf.RequestHead
        do {
            head = try WireProtobuf.readRequestHead(frame.payload)
        } catch {
            self.writeCancel(id, status: StreamFailure.internal)
            return
        }
        let (inbound, continuation) = AsyncThrowingStream<StreamEvent, any Error>.makeStream()
        let stream = self.addStream(id: id, continuation: continuation)
        if frame.has(FrameFlags.endStream) {
            stream.remoteEnded = true
            continuation.finish()
        }
        if head.timeoutMicroseconds > 0, let context = self.context {
            let timeout = TimeAmount.microseconds(Int64(clamping: head.timeoutMicroseconds))
            stream.deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self, weak stream] in
                guard let self, let stream, self.streams[stream.id] === stream else { return }
                self.expire(stream)
            }
        }
        self.delegate.streamOpened(
            OpenedStream(
                id: id,
                head: head,
                inbound: inbound,
                peerAcceptsZstd: self.remoteSettings.codecs & Settings.zstdCodec != 0
            )
        )
    }

    private func receiveData(_ frame: Frame, on stream: StreamContext) throws {
        let size = frame.payload.readableBytes
        stream.receiveWindow -= size
        guard stream.receiveWindow >= 0 else {
            throw WireError.connection(.flowControlError, "the peer overran the window of stream \(stream.id)")
        }
        guard !stream.remoteEnded else {
            self.returnConnectionCredit(size)
            self.resetStream(stream, status: StreamFailure.internal, message: "DATA after the end of the stream")
            return
        }
        if self.role == .server, stream.localEnded {
            // The response is complete; the rest of the request is not wanted.
            self.returnConnectionCredit(size)
            return
        }
        let isCompressed = frame.has(FrameFlags.compressed)
        if isCompressed, self.localSettings.codecs & Settings.zstdCodec == 0 {
            self.returnConnectionCredit(size)
            self.resetStream(stream, status: StreamFailure.internal, message: "compressed message without negotiation")
            return
        }
        let isEnd = frame.has(FrameFlags.endMessage)
        let endsStream = frame.has(FrameFlags.endStream)
        if self.role == .client, endsStream {
            throw WireError.connection(.protocolError, "END_STREAM from a server")
        }
        if size > 0 || isEnd {
            let total = (stream.reassembly?.readableBytes ?? 0) + size
            guard total <= self.localSettings.maxMessageSize else {
                self.returnConnectionCredit(size)
                self.resetStream(
                    stream,
                    status: StreamFailure.resourceExhausted,
                    message: "message over MAX_MESSAGE_SIZE"
                )
                return
            }
            var payload = frame.payload
            let message: ByteBuffer?
            if var partial = stream.reassembly {
                partial.writeBuffer(&payload)
                stream.reassembly = isEnd ? nil : partial
                message = isEnd ? partial : nil
            } else if isEnd {
                // The common case: a whole message in one frame, passed on as a slice without copying.
                stream.reassemblyIsCompressed = isCompressed
                message = payload
            } else {
                // The first fragment of a longer message: own the bytes while the rest arrives.
                var owned = self.context?.channel.allocator.buffer(capacity: max(size * 2, 1024)) ?? ByteBuffer()
                owned.writeBuffer(&payload)
                stream.reassembly = owned
                stream.reassemblyIsCompressed = isCompressed
                message = nil
            }
            if isEnd {
                stream.reassemblyWireSize += size
            } else {
                // Credit for a fragment is returned on arrival: a message larger than the window could never
                // complete otherwise. Memory stays bounded by MAX_MESSAGE_SIZE per stream.
                self.returnStreamCredit(size, on: stream)
            }
            if let message {
                let wireSize = stream.reassemblyWireSize
                stream.reassemblyWireSize = 0
                stream.messageSeen = true
                stream.continuation.yield(
                    .message(message, wireSize: wireSize, isCompressed: stream.reassemblyIsCompressed)
                )
            }
        }
        if endsStream {
            stream.remoteEnded = true
            if stream.reassembly != nil {
                self.resetStream(stream, status: StreamFailure.internal, message: "stream ended inside a message")
                return
            }
            stream.continuation.finish()
        }
    }

    private func receiveResponseHead(_ frame: Frame, on stream: StreamContext) {
        guard self.role == .client else {
            self.resetStream(stream, status: StreamFailure.internal, message: "second HEADERS on a stream")
            return
        }
        guard !stream.headSeen, !stream.messageSeen else {
            self.resetStream(stream, status: StreamFailure.internal, message: "HEADERS after the response started")
            return
        }
        stream.headSeen = true
        do {
            stream.continuation.yield(.head(try WireProtobuf.readResponseHead(frame.payload)))
        } catch {
            self.resetStream(stream, status: StreamFailure.internal, message: "undecodable response HEADERS")
        }
    }

    private func receiveTrailers(_ frame: Frame, on stream: StreamContext) {
        do {
            let trailers = try WireProtobuf.readTrailers(frame.payload)
            stream.remoteEnded = true
            stream.continuation.yield(.trailers(trailers))
            stream.continuation.finish()
            self.remove(stream)
        } catch {
            self.resetStream(stream, status: StreamFailure.internal, message: "undecodable TRAILERS")
        }
    }

    private func receiveCancel(_ frame: Frame, on stream: StreamContext) throws {
        guard frame.payload.readableBytes == 4 else {
            throw WireError.connection(.frameSizeError, "CANCEL must carry 4 bytes")
        }
        let code = frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt32.self)!
        stream.onCancel?()
        self.finish(stream, failure: StreamFailure(code: code, message: "the peer cancelled the stream"))
    }

    // MARK: - Commands from the transports (on the event loop)

    /// Client: opens a stream by sending HEADERS; its events go to `continuation`.
    ///
    /// - Returns: the stream id, or `nil` when the connection takes no new streams.
    package func openStream(
        head: WireProtobuf.RequestHead,
        continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation
    ) -> UInt32? {
        guard self.role == .client, self.isReady, !self.isClosed, !self.isClosingWhenIdle,
            self.goAwayLastStreamID == nil
        else { return nil }
        guard self.streams.count < self.remoteSettings.maxConcurrentStreams else { return nil }
        let id = self.lastStreamID == 0 ? 1 : self.lastStreamID + 2
        guard id < 0x8000_0000 else { return nil }
        self.lastStreamID = id
        self.addStream(id: id, continuation: continuation)
        var payload = ByteBuffer()
        WireProtobuf.write(head, to: &payload)
        self.writeFrame(type: .headers, flags: 0, streamID: id, payload: payload)
        self.scheduleFlush()
        return id
    }

    /// Whether the connection can take a new stream now.
    package var acceptsNewStreams: Bool {
        self.isReady && !self.isClosed && self.goAwayLastStreamID == nil
    }

    /// The peer's settings (the defaults until its SETTINGS arrive).
    package var peerSettings: Settings { self.remoteSettings }

    /// Server: registers what to call when the stream is cancelled (by the peer, the deadline or the connection).
    package func setOnCancel(_ onCancel: @escaping @Sendable () -> Void, for id: UInt32) {
        if let stream = self.streams[id] {
            stream.onCancel = onCancel
        } else {
            onCancel()
        }
    }

    /// Server: sends the response HEADERS.
    package func sendResponseHead(_ metadata: [(key: String, value: WireMetadataValue)], on id: UInt32) {
        guard let stream = self.streams[id], !stream.localEnded, !stream.headSeen else { return }
        stream.headSeen = true
        var payload = ByteBuffer()
        WireProtobuf.writeResponseHead(metadata, to: &payload)
        self.writeFrame(type: .headers, flags: 0, streamID: id, payload: payload)
        self.scheduleFlush()
    }

    /// Sends one message; `promise` succeeds once it is within flow-control credit and written.
    package func sendMessage(
        _ message: ByteBuffer,
        isCompressed: Bool,
        endStream: Bool,
        on id: UInt32,
        promise: EventLoopPromise<Void>?
    ) {
        guard let stream = self.streams[id], !stream.localEnded else {
            promise?.fail(StreamFailure(code: StreamFailure.cancelled, message: "the stream is closed"))
            return
        }
        var flags = FrameFlags.endMessage
        if isCompressed { flags |= FrameFlags.compressed }
        if endStream {
            flags |= FrameFlags.endStream
            stream.localEnded = true
        }
        stream.pending.append(.init(data: message, flags: flags, promise: promise))
        self.drain(stream)
        self.scheduleFlush()
    }

    /// Client: half-closes the stream.
    package func halfClose(_ id: UInt32) {
        guard let stream = self.streams[id], !stream.localEnded else { return }
        stream.localEnded = true
        stream.pending.append(.init(data: ByteBuffer(), flags: FrameFlags.endStream, promise: nil))
        self.drain(stream)
        self.scheduleFlush()
    }

    /// Server: ends the stream with trailers.
    package func sendTrailers(_ trailers: WireProtobuf.Trailers, on id: UInt32) {
        guard let stream = self.streams[id], !stream.localEnded else { return }
        stream.localEnded = true
        var payload = ByteBuffer()
        WireProtobuf.write(trailers, to: &payload)
        // Trailers follow the stream's queued messages, so they wait behind them for credit.
        stream.pending.append(.init(data: payload, flags: 0xFF, promise: nil))
        self.drain(stream)
        self.scheduleFlush()
    }

    /// Cancels the stream: sends CANCEL and ends it locally.
    package func cancel(_ id: UInt32, status: UInt32) {
        guard let stream = self.streams[id] else { return }
        self.resetStream(stream, status: status, message: "cancelled locally")
    }

    /// The application consumed `bytes` of this stream's messages: return the credit.
    package func consumed(_ bytes: Int, on id: UInt32) {
        if let stream = self.streams[id] {
            self.returnStreamCredit(bytes, on: stream)
        } else {
            self.returnConnectionCredit(bytes)
        }
        self.scheduleFlush()
    }

    private func returnStreamCredit(_ bytes: Int, on stream: StreamContext) {
        self.returnConnectionCredit(bytes)
        guard !stream.remoteEnded else { return }
        stream.consumedUnreturned += bytes
        if stream.consumedUnreturned >= self.localSettings.initialStreamWindow / 2 {
            let increment = stream.consumedUnreturned
            stream.consumedUnreturned = 0
            stream.receiveWindow += increment
            self.writeWindowUpdate(streamID: stream.id, increment: increment)
        }
    }

    /// Server: begins a graceful drain (double GOAWAY with a PING in between).
    package func beginGracefulShutdown() {
        guard !self.isDraining, !self.isClosed else { return }
        self.isDraining = true
        self.writeGoAway(lastStreamID: 0x7FFF_FFFF, code: .noError, message: "draining")
        let marker = UInt64.random(in: 1...UInt64.max)
        self.drainPing = marker
        var payload = ByteBuffer()
        payload.writeInteger(marker)
        self.writeFrame(type: .ping, flags: 0, streamID: 0, payload: payload)
        self.scheduleFlush()
    }

    /// Client: takes no new streams and closes once the open ones have finished.
    package func closeWhenIdle() {
        self.isClosingWhenIdle = true
        if self.streams.isEmpty {
            self.flushNow()
            self.context?.close(promise: nil)
        }
    }

    /// Server: cancels every stream still open (the drain bound passed) and closes.
    package func closeNow() {
        for stream in Array(self.streams.values) {
            self.resetStream(stream, status: StreamFailure.unavailable, message: "the server is shutting down")
        }
        self.flushNow()
        self.context?.close(promise: nil)
    }

    /// Registers a new stream with the windows both sides announced.
    @discardableResult
    private func addStream(
        id: UInt32,
        continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation
    ) -> StreamContext {
        let stream = StreamContext(
            id: id,
            continuation: continuation,
            sendWindow: self.remoteSettings.initialStreamWindow,
            receiveWindow: self.localSettings.initialStreamWindow
        )
        self.streams[id] = stream
        return stream
    }

    // MARK: - Sending

    private func drain(_ stream: StreamContext) {
        while stream.hasPending {
            var item = stream.pending[stream.pendingStart]
            if item.flags == 0xFF {
                // Trailers.
                self.writeFrame(type: .trailers, flags: 0, streamID: stream.id, payload: item.data)
                stream.pendingStart += 1
                self.remove(stream)
                return
            }
            let size = item.data.readableBytes
            if size == 0 {
                self.writeFrame(type: .data, flags: item.flags, streamID: stream.id, payload: item.data)
                stream.pendingStart += 1
                item.promise?.succeed()
                continue
            }
            let credit = min(stream.sendWindow, self.connectionSendWindow)
            guard credit > 0 else {
                self.streamsWaitingForCredit.append(stream.id)
                break
            }
            let chunk = min(size, credit, self.remoteSettings.maxFrameSize)
            let slice = item.data.readSlice(length: chunk)!
            let isLast = item.data.readableBytes == 0
            let flags = isLast ? item.flags : item.flags & FrameFlags.compressed
            self.writeFrame(type: .data, flags: flags, streamID: stream.id, payload: slice)
            stream.sendWindow -= chunk
            self.connectionSendWindow -= chunk
            if isLast {
                stream.pendingStart += 1
                item.promise?.succeed()
            } else {
                stream.pending[stream.pendingStart] = item
            }
        }
        if !stream.hasPending {
            stream.pending.removeAll(keepingCapacity: true)
            stream.pendingStart = 0
        }
        if stream.localEnded, stream.remoteEnded, !stream.hasPending, self.role == .client {
            // Client streams end on TRAILERS; nothing to do here.
        }
    }

    private func drainPendingWrites() {
        guard !self.streamsWaitingForCredit.isEmpty else { return }
        let waiting = self.streamsWaitingForCredit
        self.streamsWaitingForCredit.removeAll(keepingCapacity: true)
        for id in waiting {
            guard let stream = self.streams[id] else { continue }
            self.drain(stream)
        }
        self.scheduleFlush()
    }

    private func writePrefaceAndSettings() {
        Preface.current.write(to: &self.outbound)
        var payload = ByteBuffer()
        self.localSettings.write(to: &payload)
        self.writeFrame(type: .settings, flags: 0, streamID: 0, payload: payload)
    }

    private func writeFrame(type: FrameType, flags: UInt8, streamID: UInt32, payload: ByteBuffer?) {
        let length = payload?.readableBytes ?? 0
        self.logger.trace(
            "frame out",
            metadata: [
                "role": "\(self.role)", "type": "\(type)", "flags": "\(flags)", "stream": "\(streamID)",
                "length": "\(length)",
            ]
        )
        Frame.writeHeader(to: &self.outbound, length: length, type: type, flags: flags, streamID: streamID)
        guard var payload, length > 0 else { return }
        if length <= 16 * 1024 {
            self.outbound.writeBuffer(&payload)
        } else if let context = self.context {
            // Large payloads go out as their own buffer rather than being copied into the batch.
            context.write(self.wrapOutboundOut(self.outbound), promise: nil)
            context.write(self.wrapOutboundOut(payload), promise: nil)
            self.outbound = context.channel.allocator.buffer(capacity: 16 * 1024)
            self.hasUnflushedWrites = true
        }
    }

    private func writeCancel(_ id: UInt32, status: UInt32) {
        var payload = ByteBuffer()
        payload.writeInteger(status)
        self.writeFrame(type: .cancel, flags: 0, streamID: id, payload: payload)
        self.scheduleFlush()
    }

    private func writeWindowUpdate(streamID: UInt32, increment: Int) {
        var payload = ByteBuffer()
        payload.writeInteger(UInt32(increment))
        self.writeFrame(type: .windowUpdate, flags: 0, streamID: streamID, payload: payload)
    }

    private func writeGoAway(lastStreamID: UInt32, code: WireErrorCode, message: String) {
        var payload = ByteBuffer()
        payload.writeInteger(lastStreamID)
        payload.writeInteger(code.rawValue)
        payload.writeString(message)
        self.writeFrame(type: .goAway, flags: 0, streamID: 0, payload: payload)
    }

    private func returnConnectionCredit(_ bytes: Int) {
        guard bytes > 0 else { return }
        self.connectionConsumedUnreturned += bytes
        if self.connectionConsumedUnreturned >= self.localSettings.connectionWindow / 4 {
            let increment = self.connectionConsumedUnreturned
            self.connectionConsumedUnreturned = 0
            self.connectionReceiveWindow += increment
            self.writeWindowUpdate(streamID: 0, increment: increment)
        }
    }

    private func scheduleFlush() {
        guard !self.isInRead, !self.isFlushScheduled, let context = self.context else { return }
        self.isFlushScheduled = true
        // Everything written during this event-loop tick goes out in one flush.
        context.eventLoop.assumeIsolated().execute {
            self.isFlushScheduled = false
            self.flushNow()
        }
    }

    private func flushNow() {
        guard let context = self.context else { return }
        if self.outbound.readableBytes > 0 {
            context.write(self.wrapOutboundOut(self.outbound), promise: nil)
            self.outbound = context.channel.allocator.buffer(capacity: 16 * 1024)
            self.hasUnflushedWrites = true
        }
        if self.hasUnflushedWrites {
            self.hasUnflushedWrites = false
            context.flush()
        }
    }

    // MARK: - Ending streams and the connection

    private func expire(_ stream: StreamContext) {
        stream.onCancel?()
        var trailers = WireProtobuf.Trailers(
            code: StreamFailure.deadlineExceeded,
            message: "deadline exceeded",
            metadata: []
        )
        trailers.metadata = []
        if !stream.localEnded {
            stream.localEnded = true
            var payload = ByteBuffer()
            WireProtobuf.write(trailers, to: &payload)
            self.writeFrame(type: .trailers, flags: 0, streamID: stream.id, payload: payload)
        }
        self.finish(stream, failure: StreamFailure(code: StreamFailure.deadlineExceeded, message: "deadline exceeded"))
        self.scheduleFlush()
    }

    /// Sends CANCEL for the stream and ends it locally with `status`.
    private func resetStream(_ stream: StreamContext, status: UInt32, message: String) {
        self.writeCancel(stream.id, status: status)
        stream.onCancel?()
        self.finish(stream, failure: StreamFailure(code: status, message: message))
    }

    /// Ends the stream's inbound with `failure`, fails its queued writes and forgets it.
    private func finish(_ stream: StreamContext, failure: StreamFailure) {
        stream.continuation.finish(throwing: failure)
        for index in stream.pendingStart..<stream.pending.count {
            stream.pending[index].promise?.fail(failure)
        }
        stream.pending.removeAll()
        stream.pendingStart = 0
        self.remove(stream)
    }

    private func remove(_ stream: StreamContext) {
        stream.deadline?.cancel()
        stream.deadline = nil
        if self.role == .server, !stream.remoteEnded {
            // The response is complete; whatever the client still sends is discarded.
            stream.continuation.finish()
        }
        // Unreturned stream credit is moot once the stream is gone; the connection's share was returned on consumption.
        self.streams.removeValue(forKey: stream.id)
        if self.isClosingWhenIdle, self.streams.isEmpty {
            self.flushNow()
            self.context?.close(promise: nil)
        }
        self.closeIfDrained()
    }

    private func closeIfDrained() {
        guard self.isDraining, self.drainPing == nil, self.streams.isEmpty, let context = self.context else { return }
        self.flushNow()
        context.close(promise: nil)
    }

    private func fail(_ error: WireError) {
        guard !self.isClosed else { return }
        self.logger.debug("protocol violation", metadata: ["error": "\(error)"])
        switch error.scope {
        case .connection(let code):
            if self.prefaceReceived || self.role == .client || code == .versionUnsupported {
                self.writeGoAway(lastStreamID: self.lastStreamID, code: code, message: error.message)
            }
            self.flushNow()
            self.closeAll(StreamFailure(code: StreamFailure.unavailable, message: "connection error: \(error.message)"))
            self.context?.close(promise: nil)
        case .stream(let id, let status):
            if let stream = self.streams[id] {
                self.resetStream(stream, status: status, message: error.message)
            }
        }
    }

    private func closeAll(_ failure: StreamFailure) {
        guard !self.isClosed else { return }
        self.isClosed = true
        for stream in Array(self.streams.values) {
            stream.onCancel?()
            self.finish(stream, failure: failure)
        }
        self.delegate.closed(failure)
    }
}

import Logging
import NIOCore

/// Frames from the peer: checked against PROTOCOL.md, then applied to streams and windows.
extension ConnectionHandler {
    func receive(_ preface: Preface) throws {
        switch self.state.receivedPreface(majorVersion: preface.major) {
        case .accept:
            break
        case .sendPrefaceAndSettings:
            self.writePrefaceAndSettings()
        case .refuseVersion(let error):
            Preface.current.write(to: &self.outbound)
            throw error
        case .connectionError(let error):
            throw error
        }
    }

    func receive(_ frame: Frame) throws {
        self.logger.trace(
            "frame in",
            metadata: [
                "role": "\(self.role)", "type": "\(frame.type)", "flags": "\(frame.flags)",
                "stream": "\(frame.streamID)", "length": "\(frame.payload.readableBytes)",
            ]
        )
        // One lookup serves both the connection's id rules and the stream's own.
        let stream = frame.streamID == 0 ? nil : self.streams[frame.streamID]
        let action = self.state.receivedFrame(
            type: frame.type,
            flags: frame.flags,
            streamID: frame.streamID,
            payloadLength: frame.payload.readableBytes,
            isStreamOpen: stream != nil
        )
        switch action {
        case .streamFrame(let type):
            guard let stream else { return }
            switch type {
            case .data:
                try self.spendConnectionCredit(frame)
                try self.receiveData(frame, on: stream)
            case .headers: try self.receiveResponseHead(frame, on: stream)
            case .trailers: try self.receiveTrailers(frame, on: stream)
            case .cancel: try self.receiveCancel(frame, on: stream)
            case .windowUpdate: self.receiveStreamWindowUpdate(frame, on: stream)
            case .settings, .ping, .goAway: break
            }
        case .closedStreamFrame(let type):
            if type == .data {
                // A closed stream: discard, but return the connection credit the frame used.
                try self.spendConnectionCredit(frame)
                self.returnConnectionCredit(frame.payload.readableBytes)
            }
        case .discard:
            return
        case .connectionError(let error):
            throw error
        case .applySettings(let isFirst):
            try self.receiveSettings(frame, isFirst: isFirst)
        case .ping:
            try self.receivePing(frame)
        case .pingAck:
            self.receivePingAck(frame)
        case .goAway:
            self.receiveGoAway(frame)
        case .connectionWindowUpdate:
            try self.receiveConnectionWindowUpdate(frame)
        case .openStream:
            self.openServerStream(frame)
        case .refuseStream(let status):
            self.writeCancel(frame.streamID, status: status)
        }
    }

    /// DATA spends connection credit whether or not its stream still exists (§13).
    func spendConnectionCredit(_ frame: Frame) throws {
        self.connectionReceiveWindow -= frame.payload.readableBytes
        guard self.connectionReceiveWindow >= 0 else {
            throw WireError.connection(.flowControlError, "the peer overran the connection window")
        }
    }

    /// The peer's SETTINGS (not an ACK): applied, acknowledged; the first makes a client ready.
    func receiveSettings(_ frame: Frame, isFirst: Bool) throws {
        let previousStreamWindow = self.remoteSettings.initialStreamWindow
        try self.remoteSettings.apply(frame.payload, isFirst: isFirst)
        let becameReady = self.state.appliedSettings()
        if isFirst {
            self.connectionSendWindow = self.remoteSettings.connectionWindow
        } else {
            // A new initial window shifts every open stream's credit by the difference, as in HTTP/2.
            let delta = self.remoteSettings.initialStreamWindow - previousStreamWindow
            for stream in self.streams.values { stream.sendWindow += delta }
        }
        self.writeFrame(type: .settings, flags: FrameFlags.ack, streamID: 0, payload: nil)
        if becameReady {
            self.delegate.ready()
        }
        // A raised MAX_CONCURRENT_STREAMS lets waiting calls go (§7.4).
        self.openWaitingStreams()
        self.drainPendingWrites()
        self.scheduleFlush()
    }

    /// A PING to answer, unless the server's policing (§14) ends the connection.
    func receivePing(_ frame: Frame) throws {
        // PINGs are rare: reading the loop's clock for each costs nothing on the hot path.
        let now = self.context?.eventLoop.now ?? .now()
        if case .connectionError(let error) = self.state.receivedPing(now: now) {
            throw error
        }
        self.writeFrame(type: .ping, flags: FrameFlags.ack, streamID: 0, payload: frame.payload)
    }

    /// A PING ACK: the client's keepalive, or the second step of the server's drain (§15).
    func receivePingAck(_ frame: Frame) {
        let received = frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt64.self)
        if let ping = self.keepalivePing, received == ping.marker {
            ping.timeout.cancel()
            self.keepalivePing = nil
        }
        if case .sendFinalGoAway(let lastStreamID, let close) = self.state.receivedPingAck(marker: received) {
            // Every stream the client sent before it saw the first GOAWAY has arrived: name the real last one.
            self.writeGoAway(lastStreamID: lastStreamID, code: .noError, message: "draining")
            if close, let context = self.context {
                self.flushNow()
                context.close(promise: nil)
            }
        }
    }

    /// Client: pings after a quiet interval; a missing ACK means the connection is dead.
    func scheduleKeepalive(context: ChannelHandlerContext) {
        guard self.role == .client, let keepalive = self.keepalive else { return }
        self.keepaliveTask = context.eventLoop.assumeIsolated().scheduleTask(in: keepalive.interval) { [weak self] in
            guard let self, let context = self.context, !self.state.isClosed else { return }
            if self.readsSinceKeepalive == 0, self.keepalivePing == nil {
                let marker = UInt64.random(in: 1...UInt64.max)
                var payload = ByteBuffer()
                payload.writeInteger(marker)
                self.writeFrame(type: .ping, flags: 0, streamID: 0, payload: payload)
                self.flushNow()
                let timeout = context.eventLoop.assumeIsolated().scheduleTask(in: keepalive.timeout) { [weak self] in
                    guard let self, !self.state.isClosed else { return }
                    self.closeAll(StreamFailure(code: StreamFailure.unavailable, message: "keepalive: no PING ACK"))
                    self.context?.close(promise: nil)
                }
                self.keepalivePing = (marker, timeout)
            }
            self.readsSinceKeepalive = 0
            self.scheduleKeepalive(context: context)
        }
    }

    /// A GOAWAY of at least 8 bytes on stream 0.
    func receiveGoAway(_ frame: Frame) {
        var payload = frame.payload
        let last = payload.readInteger(as: UInt32.self) ?? 0
        let code = payload.readInteger(as: UInt32.self) ?? 0
        let debug = payload.readString(length: payload.readableBytes) ?? ""
        self.logger.debug("received GOAWAY", metadata: ["last": "\(last)", "code": "\(code)", "debug": "\(debug)"])
        let action = self.state.receivedGoAway(lastStreamID: last, code: code)
        self.delegate.goingAway()
        // Streams the peer never processed fail as unavailable: safe to retry elsewhere.
        for (id, stream) in self.streams where id > action.failStreamsAbove {
            self.finish(
                stream,
                failure: StreamFailure(code: StreamFailure.unavailable, message: "refused by GOAWAY: \(debug)")
            )
        }
        // Calls waiting for a stream (§7.4) were never sent: they fail as UNAVAILABLE too.
        self.openWaitingStreams()
        switch action.then {
        case .none:
            break
        case .closeWithError:
            // §15: a client's calls the server may have processed fail with INTERNAL unless the code says otherwise.
            let status =
                self.role == .client
                ? ConnectionStateMachine.callStatus(afterConnectionError: code) : StreamFailure.unavailable
            self.closeAll(StreamFailure(code: status, message: "connection error \(code): \(debug)"))
            self.context?.close(promise: nil)
        case .closeIfIdle:
            if !self.state.hasOpenStreams { self.context?.close(promise: nil) }
        }
    }

    /// Credit for the connection's send window (§13).
    func receiveConnectionWindowUpdate(_ frame: Frame) throws {
        let increment = Int(frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt32.self)!)
        guard increment > 0 else { throw WireError.connection(.protocolError, "WINDOW_UPDATE of 0") }
        self.connectionSendWindow += increment
        guard self.connectionSendWindow <= Settings.maximumWindow else {
            throw WireError.connection(.flowControlError, "connection window above 2^31-1")
        }
        self.drainPendingWrites()
    }

    /// Credit for one open stream's send window (§13): an increment of 0 or an overflow is a stream error.
    func receiveStreamWindowUpdate(_ frame: Frame, on stream: StreamContext) {
        let increment = Int(frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt32.self)!)
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

    /// Server: HEADERS the connection accepted as a new stream; the head's own checks (§5.2, §16.3 #11, #12).
    func openServerStream(_ frame: Frame) {
        let id = frame.streamID
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
        _ = stream.state.receivedHeaders()  // idle -> open
        if frame.has(FrameFlags.endStream), case .accept = stream.state.receivedEndStream() {
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

    func receiveData(_ frame: Frame, on stream: StreamContext) throws {
        let size = frame.payload.readableBytes
        stream.receiveWindow -= size
        guard stream.receiveWindow >= 0 else {
            throw WireError.connection(.flowControlError, "the peer overran the window of stream \(stream.id)")
        }
        let isCompressed = frame.has(FrameFlags.compressed)
        let isEnd = frame.has(FrameFlags.endMessage)
        let endsStream = frame.has(FrameFlags.endStream)
        switch stream.state.receivedData(
            endMessage: isEnd,
            endStream: endsStream,
            isCompressed: isCompressed,
            isEmpty: size == 0
        ) {
        case .accept:
            break
        case .discard:
            self.returnConnectionCredit(size)
            return
        case .resetStream(let failure):
            self.returnConnectionCredit(size)
            self.resetStream(stream, status: failure.code, message: failure.message)
            return
        case .connectionError(let error):
            throw error
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
                stream.continuation.yield(
                    .message(message, wireSize: wireSize, isCompressed: stream.reassemblyIsCompressed)
                )
            }
        }
        if endsStream {
            switch stream.state.receivedEndStream() {
            case .accept: stream.continuation.finish()
            case .discard: break
            case .resetStream(let failure): self.resetStream(stream, status: failure.code, message: failure.message)
            case .connectionError(let error): throw error
            }
        }
    }

    func receiveResponseHead(_ frame: Frame, on stream: StreamContext) throws {
        switch stream.state.receivedHeaders() {
        case .accept: break
        case .discard: return
        case .resetStream(let failure):
            self.resetStream(stream, status: failure.code, message: failure.message)
            return
        case .connectionError(let error): throw error
        }
        // §5.2, §16.3 #11: a head over our MAX_HEADER_SIZE is a stream error, whatever it holds.
        let size = frame.payload.readableBytes
        guard size <= self.localSettings.maxHeaderSize else {
            self.resetStream(
                stream,
                status: StreamFailure.resourceExhausted,
                message:
                    "response HEADERS: \(size) bytes, over our MAX_HEADER_SIZE of \(self.localSettings.maxHeaderSize)"
            )
            return
        }
        do {
            stream.continuation.yield(.head(try WireProtobuf.readResponseHead(frame.payload)))
        } catch {
            self.resetStream(stream, status: StreamFailure.internal, message: "undecodable response HEADERS")
        }
    }

    func receiveTrailers(_ frame: Frame, on stream: StreamContext) throws {
        switch stream.state.receivedTrailers() {
        case .accept: break
        case .discard: return
        case .resetStream(let failure):
            self.resetStream(stream, status: failure.code, message: failure.message)
            return
        case .connectionError(let error): throw error
        }
        // §16.1: TRAILERS closed the stream, so a stream error here sends no CANCEL; the call fails with the code.
        let size = frame.payload.readableBytes
        guard size <= self.localSettings.maxHeaderSize else {
            self.finish(
                stream,
                failure: StreamFailure(
                    code: StreamFailure.resourceExhausted,
                    message: "TRAILERS: \(size) bytes, over our MAX_HEADER_SIZE of \(self.localSettings.maxHeaderSize)"
                )
            )
            return
        }
        do {
            let trailers = try WireProtobuf.readTrailers(frame.payload)
            stream.continuation.yield(.trailers(trailers))
            stream.continuation.finish()
            self.remove(stream)
        } catch {
            self.finish(stream, failure: StreamFailure(code: StreamFailure.internal, message: "undecodable TRAILERS"))
        }
    }

    func receiveCancel(_ frame: Frame, on stream: StreamContext) throws {
        guard frame.payload.readableBytes == 4 else {
            throw WireError.connection(.frameSizeError, "CANCEL must carry 4 bytes")
        }
        let code = frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt32.self)!
        guard case .accept = stream.state.receivedCancel() else { return }
        stream.onCancel?()
        self.finish(stream, failure: StreamFailure(code: code, message: "the peer cancelled the stream"))
    }
}

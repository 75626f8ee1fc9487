import Logging
import NIOCore

/// Frames from the peer: checked against PROTOCOL.md, then applied to streams and windows.
extension ConnectionHandler {
    func receive(_ preface: Preface) throws {
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

    func receive(_ frame: Frame) throws {
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

    func receiveSettings(_ frame: Frame) throws {
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

    func receivePing(_ frame: Frame) throws {
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
    func policePing(now: NIODeadline) throws {
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
    func scheduleKeepalive(context: ChannelHandlerContext) {
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

    func receiveGoAway(_ frame: Frame) throws {
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

    func receiveWindowUpdate(_ frame: Frame) throws {
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

    func receiveStreamFrame(_ type: FrameType, _ frame: Frame) throws {
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
        case .headers: try self.receiveResponseHead(frame, on: stream)
        case .trailers: try self.receiveTrailers(frame, on: stream)
        case .cancel: try self.receiveCancel(frame, on: stream)
        default: break
        }
    }

    func openServerStream(_ frame: Frame) throws {
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
        do {
            let trailers = try WireProtobuf.readTrailers(frame.payload)
            stream.continuation.yield(.trailers(trailers))
            stream.continuation.finish()
            self.remove(stream)
        } catch {
            self.resetStream(stream, status: StreamFailure.internal, message: "undecodable TRAILERS")
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

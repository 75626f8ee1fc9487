import Logging
package import NIOCore

/// What the transports ask of a connection; every method runs on the event loop.
extension ConnectionHandler {
    /// Client: opens a stream by sending HEADERS; its events go to `continuation`.
    ///
    /// - Returns: the stream id; or a failure: UNAVAILABLE when the connection takes no new streams (another
    ///   connection may), RESOURCE_EXHAUSTED when the head is larger than the server accepts (§5.2: never sent, so
    ///   the call fails alone and the connection goes on).
    package func openStream(
        head: WireProtobuf.RequestHead,
        continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation
    ) -> Result<UInt32, StreamFailure> {
        let noNewStreams = StreamFailure(
            code: StreamFailure.unavailable,
            message: "the connection takes no new streams"
        )
        guard self.state.mayOpenStream(peerMaxConcurrentStreams: self.remoteSettings.maxConcurrentStreams) else {
            return .failure(noNewStreams)
        }
        var payload = ByteBuffer()
        WireProtobuf.write(head, to: &payload)
        let limit = self.remoteSettings.headerLimit
        guard payload.readableBytes <= limit else {
            return .failure(
                StreamFailure(
                    code: StreamFailure.resourceExhausted,
                    message: "request metadata: \(payload.readableBytes) bytes, over the server's limit of \(limit)"
                )
            )
        }
        guard let id = self.state.nextStreamID() else { return .failure(noNewStreams) }
        let stream = self.addStream(id: id, continuation: continuation)
        _ = stream.state.sendHeaders()  // idle -> open
        self.writeFrame(type: .headers, flags: 0, streamID: id, payload: payload)
        self.scheduleFlush()
        return .success(id)
    }

    /// Whether the connection can take a new stream now.
    package var acceptsNewStreams: Bool {
        self.state.acceptsNewStreams
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

    /// Server: sends the response HEADERS; a head larger than the client accepts (§5.2) is not sent: the call ends
    /// with RESOURCE_EXHAUSTED trailers naming the limit instead, and its handler is cancelled.
    package func sendResponseHead(_ metadata: [(key: String, value: WireMetadataValue)], on id: UInt32) {
        guard let stream = self.streams[id], case .send = stream.state.sendHeaders() else { return }
        var payload = ByteBuffer()
        WireProtobuf.writeResponseHead(metadata, to: &payload)
        let limit = self.remoteSettings.headerLimit
        guard payload.readableBytes <= limit else {
            let message = "response metadata: \(payload.readableBytes) bytes, over the client's limit of \(limit)"
            self.logger.notice(
                "SWP: response head over the client's limit, the call ends",
                metadata: ["stream": "\(id)"]
            )
            self.sendTrailers(.init(code: StreamFailure.resourceExhausted, message: message, metadata: []), on: id)
            stream.onCancel?()
            return
        }
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
        guard let stream = self.streams[id], case .send = stream.state.sendData(endStream: endStream) else {
            promise?.fail(StreamFailure(code: StreamFailure.cancelled, message: "the stream is closed"))
            return
        }
        var flags = FrameFlags.endMessage
        if isCompressed { flags |= FrameFlags.compressed }
        if endStream { flags |= FrameFlags.endStream }
        stream.pending.append(.init(data: message, flags: flags, promise: promise))
        self.drain(stream)
        self.scheduleFlush()
    }

    /// Client: half-closes the stream.
    package func halfClose(_ id: UInt32) {
        guard let stream = self.streams[id], case .send = stream.state.sendData(endStream: true) else { return }
        stream.pending.append(.init(data: ByteBuffer(), flags: FrameFlags.endStream, promise: nil))
        self.drain(stream)
        self.scheduleFlush()
    }

    /// Server: ends the stream with trailers.
    package func sendTrailers(_ trailers: WireProtobuf.Trailers, on id: UInt32) {
        guard let stream = self.streams[id], case .send = stream.state.sendTrailers() else { return }
        var payload = ByteBuffer()
        WireProtobuf.write(trailers.fitted(within: self.remoteSettings.headerLimit), to: &payload)
        // Trailers follow the stream's queued messages, so they wait behind them for credit.
        stream.pending.append(.init(data: payload, flags: 0xFF, promise: nil))
        self.drain(stream)
        self.scheduleFlush()
    }

    /// Cancels the stream: sends CANCEL and ends it locally.
    package func cancel(_ id: UInt32, status: UInt32) {
        guard let stream = self.streams[id], case .send = stream.state.cancel() else { return }
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

    func returnStreamCredit(_ bytes: Int, on stream: StreamContext) {
        self.returnConnectionCredit(bytes)
        guard !stream.state.isRemoteEnded else { return }
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
        let marker = UInt64.random(in: 1...UInt64.max)
        guard self.state.beginGracefulShutdown(pingMarker: marker) else { return }
        self.writeGoAway(lastStreamID: 0x7FFF_FFFF, code: .noError, message: "draining")
        var payload = ByteBuffer()
        payload.writeInteger(marker)
        self.writeFrame(type: .ping, flags: 0, streamID: 0, payload: payload)
        self.scheduleFlush()
    }

    /// Client: takes no new streams and closes once the open ones have finished.
    package func closeWhenIdle() {
        if self.state.closeWhenIdle() { self.closeOrderly() }
        self.openWaitingStreams()
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
    func addStream(
        id: UInt32,
        continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation
    ) -> StreamContext {
        let stream = StreamContext(
            id: id,
            continuation: continuation,
            state: StreamStateMachine(
                role: self.role,
                acceptsCompression: self.localSettings.codecs & Settings.zstdCodec != 0
            ),
            sendWindow: self.remoteSettings.initialStreamWindow,
            receiveWindow: self.localSettings.initialStreamWindow
        )
        self.streams[id] = stream
        self.state.streamOpened()
        return stream
    }
}

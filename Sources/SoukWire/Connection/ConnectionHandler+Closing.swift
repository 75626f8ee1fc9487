import Logging
import NIOCore

/// Ending streams (deadline, reset, completion) and the connection (drain, violations, loss).
extension ConnectionHandler {
    func expire(_ stream: StreamContext) {
        stream.onCancel?()
        var trailers = WireProtobuf.Trailers(
            code: StreamFailure.deadlineExceeded,
            message: "deadline exceeded",
            metadata: []
        )
        trailers.metadata = []
        if case .send = stream.state.deadlinePassed() {
            var payload = ByteBuffer()
            WireProtobuf.write(trailers, to: &payload)
            self.writeFrame(type: .trailers, flags: 0, streamID: stream.id, payload: payload)
        }
        self.finish(stream, failure: StreamFailure(code: StreamFailure.deadlineExceeded, message: "deadline exceeded"))
        self.scheduleFlush()
    }

    /// Sends CANCEL for the stream and ends it locally with `status`.
    func resetStream(_ stream: StreamContext, status: UInt32, message: String) {
        self.writeCancel(stream.id, status: status)
        stream.onCancel?()
        self.finish(stream, failure: StreamFailure(code: status, message: message))
    }

    /// Ends the stream's inbound with `failure`, fails its queued writes and forgets it.
    func finish(_ stream: StreamContext, failure: StreamFailure) {
        stream.state.failed()
        stream.continuation.finish(throwing: failure)
        for index in stream.pendingStart..<stream.pending.count {
            stream.pending[index].promise?.fail(failure)
        }
        stream.pending.removeAll()
        stream.pendingStart = 0
        self.remove(stream)
    }

    func remove(_ stream: StreamContext) {
        stream.deadline?.cancel()
        stream.deadline = nil
        // Unreturned stream credit is moot once the stream is gone; the connection's share was returned on consumption.
        guard self.streams.removeValue(forKey: stream.id) != nil else { return }
        assert(self.state.openStreams == self.streams.count + 1, "the connection lost count of its streams")
        if self.state.streamClosed() {
            // The client was closing when idle, or the server's drain is over (§15): the last stream has gone.
            self.closeOrderly()
        }
        self.openWaitingStreams()
    }

    /// Closes the connection with nothing left to say: a client first sends GOAWAY(0, NO_ERROR) (§15); a server
    /// has sent its GOAWAYs already.
    func closeOrderly() {
        if self.role == .client, !self.state.isClosed {
            self.writeGoAway(lastStreamID: 0, code: .noError, message: "closing")
        }
        self.flushNow()
        self.context?.close(promise: nil)
    }

    func fail(_ error: WireError) {
        switch error.scope {
        case .connection(let code):
            let action = self.state.connectionError(code)
            guard action != .none else { return }
            self.logger.debug("protocol violation", metadata: ["error": "\(error)"])
            if case .sendGoAwayAndClose(let lastStreamID) = action {
                self.writeGoAway(lastStreamID: lastStreamID, code: code, message: error.message)
            }
            self.flushNow()
            let status =
                self.role == .client
                ? ConnectionStateMachine.callStatus(afterConnectionError: code.rawValue) : StreamFailure.unavailable
            self.closeAll(StreamFailure(code: status, message: "connection error: \(error.message)"))
            self.context?.close(promise: nil)
        case .stream(let id, let status):
            guard !self.state.isClosed else { return }
            self.logger.debug("protocol violation", metadata: ["error": "\(error)"])
            if let stream = self.streams[id] {
                self.resetStream(stream, status: status, message: error.message)
            }
        }
    }

    func closeAll(_ failure: StreamFailure) {
        guard self.state.closed() else { return }
        for stream in Array(self.streams.values) {
            stream.onCancel?()
            self.finish(stream, failure: failure)
        }
        self.openWaitingStreams()
        self.delegate.closed(failure)
    }
}

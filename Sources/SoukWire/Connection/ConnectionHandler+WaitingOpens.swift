import NIOCore

/// Client calls beyond the server's MAX_CONCURRENT_STREAMS: PROTOCOL.md §7.4 says a client SHOULD queue them locally
/// rather than exceed the limit, so they wait here, in order, until one of the connection's streams closes.
extension ConnectionHandler {
    /// A call waiting for a stream.
    struct WaitingOpen {
        var head: WireProtobuf.RequestHead
        var continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation
        var slot: ClientStreamSlot
        /// Called once, on the event loop, with the stream id or the failure that ends the wait.
        var opened: (ConnectionHandler, Result<UInt32, StreamFailure>) -> Void
    }

    /// Client: opens a stream as ``openStream(head:continuation:)`` does, unless the server's MAX_CONCURRENT_STREAMS
    /// is reached (or other calls wait already): then the call waits for a stream to close.
    ///
    /// - Returns: the outcome when the call did not wait; `nil` when it waits, and `opened` will be called later
    ///   (never from within this method).
    func openStreamOrWait(
        head: WireProtobuf.RequestHead,
        continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation,
        slot: ClientStreamSlot,
        opened: @escaping (ConnectionHandler, Result<UInt32, StreamFailure>) -> Void
    ) -> Result<UInt32, StreamFailure>? {
        // The call ended (its deadline, or its caller) before its open reached the event loop: the transport's
        // cancellation found no stream to cancel, so none may open now, or it would stay open with no CANCEL.
        guard !slot.isAbandoned else {
            return .failure(StreamFailure(code: StreamFailure.cancelled, message: "the call ended"))
        }
        let limit = self.remoteSettings.maxConcurrentStreams
        if self.state.mayOpenStream(peerMaxConcurrentStreams: .max),
            !self.waitingOpens.isEmpty || !self.state.mayOpenStream(peerMaxConcurrentStreams: limit)
        {
            self.waitingOpens.append(WaitingOpen(head: head, continuation: continuation, slot: slot, opened: opened))
            return nil
        }
        return self.openStream(head: head, continuation: continuation)
    }

    /// Opens the waiting calls' streams while the server's limit allows; fails every waiting call with UNAVAILABLE
    /// (never sent, so safe to retry) once the connection takes no new streams (GOAWAY, closing, closed).
    func openWaitingStreams() {
        while !self.waitingOpens.isEmpty {
            guard self.state.mayOpenStream(peerMaxConcurrentStreams: .max) else {
                let waiting = self.waitingOpens
                self.waitingOpens.removeAll()
                let failure = StreamFailure(
                    code: StreamFailure.unavailable,
                    message: "the connection takes no new streams; the call was not sent"
                )
                for call in waiting { call.opened(self, .failure(failure)) }
                return
            }
            guard self.state.mayOpenStream(peerMaxConcurrentStreams: self.remoteSettings.maxConcurrentStreams) else {
                return
            }
            let call = self.waitingOpens.removeFirst()
            guard !call.slot.isAbandoned else {
                call.opened(self, .failure(StreamFailure(code: StreamFailure.cancelled, message: "the call ended")))
                continue
            }
            var head = call.head
            if let deadline = call.slot.deadline {
                // The time spent waiting counts: the server is told what is left of the deadline.
                let left = deadline - ContinuousClock.now
                guard left > .zero else {
                    let failure = StreamFailure(
                        code: StreamFailure.deadlineExceeded,
                        message: "the deadline passed while the call waited for a stream (MAX_CONCURRENT_STREAMS)"
                    )
                    call.opened(self, .failure(failure))
                    continue
                }
                head.timeoutMicroseconds = (try? SWPClientTransport.wireTimeout(left)) ?? 1
            }
            call.opened(self, self.openStream(head: head, continuation: call.continuation))
        }
    }
}

/// One stream's state as PROTOCOL.md §7.2 draws it, from this side's view: each event returns what to do.
///
/// ``ConnectionHandler`` keeps a stream's buffers, windows and continuation in its ``StreamContext``; which frames the
/// stream may still send or receive, and the stream-level violations of §7.3 and §16.3, are decided here, and the
/// handler runs the returned action. Flow control (§13) and the id rules of §7.1 stay with the handler: a stream
/// the handler does not know is idle or closed by its id alone.
///
/// ```swift
/// var stream = StreamStateMachine(role: .server, acceptsCompression: true)
/// _ = stream.receivedHeaders()  // .accept: the call starts
/// switch stream.receivedData(endMessage: true, endStream: false, isCompressed: false, isEmpty: false) {
/// case .accept: break  // deliver the message
/// case .discard, .resetStream, .connectionError: break
/// }
/// ```
package struct StreamStateMachine: Sendable, Hashable {
    /// Which end of the stream this is.
    package typealias Role = ConnectionHandler.Role

    /// Where the stream stands.
    package enum State: Sendable, Hashable {
        /// Not opened. → ``open``: the client sends HEADERS, the server receives them (→ ``halfClosedRemote`` once
        /// the END_STREAM on them is received).
        case idle
        /// Both directions open. → ``halfClosedLocal`` (client: END_STREAM sent; server: TRAILERS queued),
        /// ``halfClosedRemote`` (server: END_STREAM received), ``closed`` (TRAILERS, CANCEL, deadline, failure).
        case open(Progress)
        /// This side ended its direction: the client sent END_STREAM, or the server queued its TRAILERS behind its
        /// messages (they wait for flow-control credit; a server has no half-closed (local) on the wire). → ``closed``
        /// (client: TRAILERS received; server: TRAILERS written; either: CANCEL, deadline, failure).
        case halfClosedLocal(Progress)
        /// Server: the client's END_STREAM arrived. → ``closing`` (TRAILERS queued), ``closed``.
        case halfClosedRemote(Progress)
        /// Server: both directions ended and the TRAILERS are queued. → ``closed`` once written, or on CANCEL,
        /// deadline, failure.
        case closing
        /// Over; nothing leaves this state, and frames for the stream are discarded (§7.1).
        case closed
    }

    /// How far the response and the inbound messages have come (§7.2: awaiting head → head → messages).
    package struct Progress: Sendable, Hashable {
        /// Server: the response HEADERS were sent. Client: they were received.
        package var isHeadDone = false
        /// Client: a response message arrived, so HEADERS may not any more.
        package var hasMessage = false
        /// Inbound: fragments of a message arrived and its END_MESSAGE has not.
        package var isInsideMessage = false
        /// Inbound: the message under way is COMPRESSED (its first fragment said so; §5.1: every fragment must agree).
        package var isMessageCompressed = false

        /// A stream that has sent and received nothing yet.
        package init() {}
    }

    /// What to do with a frame (or its END_STREAM flag) received on the stream.
    package enum ReceiveAction: Sendable, Hashable {
        /// Process it: open the call, deliver the head, message or trailers, end the inbound sequence or cancel.
        case accept
        /// Drop it (DATA: return its bytes to the connection window, §13).
        case discard
        /// A stream error (§16.1): send CANCEL with the failure's code and end the call with it. The stream is closed.
        case resetStream(StreamFailure)
        /// A connection error (§16.1): GOAWAY with its code, then close.
        case connectionError(WireError)
    }

    /// What to do with a frame this side wants to send.
    package enum SendAction: Sendable, Hashable {
        /// Write it (or queue it behind the stream's messages).
        case send
        /// The stream's direction is already over: drop it (a message's promise fails).
        case ignore
    }

    /// Which end of the stream this is.
    package let role: Role
    /// Whether we advertised zstd, so COMPRESSED messages may arrive (§12).
    package let acceptsCompression: Bool
    /// Where the stream stands.
    package private(set) var state: State = .idle

    /// Creates an idle stream.
    ///
    /// - Parameters:
    ///   - role: which end of the stream this is.
    ///   - acceptsCompression: whether our SETTINGS advertised zstd.
    package init(role: Role, acceptsCompression: Bool) {
        self.role = role
        self.acceptsCompression = acceptsCompression
    }

    /// Whether the peer ended its direction, so its DATA takes no more stream credit.
    package var isRemoteEnded: Bool {
        switch self.state {
        case .halfClosedRemote, .closing, .closed: return true
        case .idle, .open, .halfClosedLocal: return false
        }
    }

    /// Whether this side ended its direction, so it sends nothing more but CANCEL.
    package var isLocalEnded: Bool {
        switch self.state {
        case .halfClosedLocal, .closing, .closed: return true
        case .idle, .open, .halfClosedRemote: return false
        }
    }

    /// Whether the stream is over.
    package var isClosed: Bool { self.state == .closed }

    // MARK: - Received

    /// HEADERS arrived: the server's peer opens the call; the client's peer starts its response.
    ///
    /// Its END_STREAM flag is a second event, ``receivedEndStream()``.
    package mutating func receivedHeaders() -> ReceiveAction {
        switch (self.role, self.state) {
        case (_, .closed):
            return .discard
        case (.server, .idle):
            self.state = .open(Progress())
            return .accept
        case (.server, _):
            return self.reset(StreamFailure.internal, "second HEADERS on a stream")
        case (.client, .idle):
            return .connectionError(.connection(.protocolError, "HEADERS frame for a stream that was never opened"))
        case (.client, .open(var progress)), (.client, .halfClosedLocal(var progress)),
            (.client, .halfClosedRemote(var progress)):
            guard !progress.isHeadDone, !progress.hasMessage else {
                return self.reset(StreamFailure.internal, "HEADERS after the response started")
            }
            progress.isHeadDone = true
            self.update(progress)
            return .accept
        case (.client, .closing):
            return self.reset(StreamFailure.internal, "HEADERS after the response started")
        }
    }

    /// A DATA frame arrived (its END_STREAM flag, if set and the frame is accepted, is ``receivedEndStream()``).
    ///
    /// - Parameters:
    ///   - endMessage: the frame carries END_MESSAGE.
    ///   - endStream: the frame carries END_STREAM (from a server: a connection error, §7.3).
    ///   - isCompressed: the frame carries COMPRESSED.
    ///   - isEmpty: the frame has no payload (an empty fragment neither starts nor continues a message).
    package mutating func receivedData(
        endMessage: Bool,
        endStream: Bool,
        isCompressed: Bool,
        isEmpty: Bool
    ) -> ReceiveAction {
        var progress: Progress
        switch self.state {
        case .idle:
            return .connectionError(.connection(.protocolError, "DATA frame for a stream that was never opened"))
        case .closed:
            return .discard
        case .halfClosedRemote, .closing:
            return self.reset(StreamFailure.internal, "DATA after the end of the stream")
        case .halfClosedLocal(let current):
            // The server's response is complete; the rest of the request is not wanted.
            if self.role == .server { return .discard }
            progress = current
        case .open(let current):
            progress = current
        }
        if isCompressed, !self.acceptsCompression {
            return self.reset(StreamFailure.internal, "compressed message without negotiation")
        }
        if self.role == .client, endStream {
            return .connectionError(.connection(.protocolError, "END_STREAM from a server"))
        }
        if progress.isInsideMessage, isCompressed != progress.isMessageCompressed {
            return self.reset(StreamFailure.internal, "the fragments of a message disagree on COMPRESSED")
        }
        if !isEmpty || endMessage {
            if !progress.isInsideMessage { progress.isMessageCompressed = isCompressed }
            progress.isInsideMessage = !endMessage
            if endMessage { progress.hasMessage = true }
        }
        self.update(progress)
        return .accept
    }

    /// The END_STREAM flag of an accepted HEADERS or DATA frame: the client's request is complete.
    ///
    /// `accept` means: end the inbound sequence normally.
    package mutating func receivedEndStream() -> ReceiveAction {
        switch self.state {
        case .idle:
            return .connectionError(.connection(.protocolError, "END_STREAM on a stream that was never opened"))
        case .closed:
            return .discard
        case .open(let progress):
            guard self.role == .server else {
                return .connectionError(.connection(.protocolError, "END_STREAM from a server"))
            }
            self.state = .halfClosedRemote(progress)
            if progress.isInsideMessage {
                return self.reset(StreamFailure.internal, "stream ended inside a message")
            }
            return .accept
        case .halfClosedLocal:
            guard self.role == .server else {
                return .connectionError(.connection(.protocolError, "END_STREAM from a server"))
            }
            return .discard
        case .halfClosedRemote, .closing:
            return self.reset(StreamFailure.internal, "DATA after the end of the stream")
        }
    }

    /// TRAILERS arrived: the client's call is over (`accept`: deliver them). From a client they are a connection
    /// error (§7.3).
    package mutating func receivedTrailers() -> ReceiveAction {
        guard self.role == .client else {
            return .connectionError(.connection(.protocolError, "TRAILERS from a client"))
        }
        switch self.state {
        case .idle:
            return .connectionError(.connection(.protocolError, "TRAILERS frame for a stream that was never opened"))
        case .closed:
            return .discard
        case .open, .halfClosedLocal, .halfClosedRemote, .closing:
            self.state = .closed
            return .accept
        }
    }

    /// CANCEL arrived: the peer ended the call (`accept`: cancel the handler and fail the call).
    package mutating func receivedCancel() -> ReceiveAction {
        switch self.state {
        case .idle, .closed:
            // §7.1: CANCEL on an idle id is discarded, as is every frame on a closed stream.
            return .discard
        case .open, .halfClosedLocal, .halfClosedRemote, .closing:
            self.state = .closed
            return .accept
        }
    }

    // MARK: - Sent

    /// This side sends HEADERS: the client opens the stream, the server starts its response (once).
    package mutating func sendHeaders() -> SendAction {
        switch (self.role, self.state) {
        case (.client, .idle):
            self.state = .open(Progress())
            return .send
        case (.server, .open(var progress)) where !progress.isHeadDone:
            progress.isHeadDone = true
            self.state = .open(progress)
            return .send
        case (.server, .halfClosedRemote(var progress)) where !progress.isHeadDone:
            progress.isHeadDone = true
            self.state = .halfClosedRemote(progress)
            return .send
        default:
            return .ignore
        }
    }

    /// This side sends a message, or (client) ends its request with `endStream`.
    package mutating func sendData(endStream: Bool) -> SendAction {
        switch self.state {
        case .open(let progress):
            if endStream { self.state = .halfClosedLocal(progress) }
            return .send
        case .halfClosedRemote:
            if endStream { self.state = .closing }
            return .send
        case .idle, .halfClosedLocal, .closing, .closed:
            return .ignore
        }
    }

    /// Server: this side queues its TRAILERS, which end the call once written (``wroteTrailers()``).
    package mutating func sendTrailers() -> SendAction {
        guard self.role == .server else { return .ignore }
        switch self.state {
        case .open(let progress):
            self.state = .halfClosedLocal(progress)
            return .send
        case .halfClosedRemote:
            self.state = .closing
            return .send
        case .idle, .halfClosedLocal, .closing, .closed:
            return .ignore
        }
    }

    /// Server: the queued TRAILERS were written; the stream is closed.
    ///
    /// - Returns: whether the request had not ended, so its inbound sequence must be finished here (what the client
    ///   still sends is discarded).
    package mutating func wroteTrailers() -> Bool {
        let finishesInbound = self.state != .idle && !self.isRemoteEnded
        self.state = .closed
        return finishesInbound
    }

    /// This side cancels the stream (`send`: write CANCEL and end the call).
    package mutating func cancel() -> SendAction {
        switch self.state {
        case .idle, .closed:
            return .ignore
        case .open, .halfClosedLocal, .halfClosedRemote, .closing:
            self.state = .closed
            return .send
        }
    }

    /// The call's deadline passed (§10): the stream closes; `send` means TRAILERS (DEADLINE_EXCEEDED) are still owed.
    package mutating func deadlinePassed() -> SendAction {
        let owesTrailers = !self.isLocalEnded && self.state != .idle
        self.state = .closed
        return owesTrailers ? .send : .ignore
    }

    /// The stream ended abnormally: reset, refused by GOAWAY, or lost with its connection.
    package mutating func failed() {
        self.state = .closed
    }

    // MARK: - Helpers

    private mutating func reset(_ code: UInt32, _ message: String) -> ReceiveAction {
        self.state = .closed
        return .resetStream(StreamFailure(code: code, message: message))
    }

    private mutating func update(_ progress: Progress) {
        switch self.state {
        case .open: self.state = .open(progress)
        case .halfClosedLocal: self.state = .halfClosedLocal(progress)
        case .halfClosedRemote: self.state = .halfClosedRemote(progress)
        case .idle, .closing, .closed: break
        }
    }
}

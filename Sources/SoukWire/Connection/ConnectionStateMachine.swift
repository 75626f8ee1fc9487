package import NIOCore

/// One connection's state as PROTOCOL.md §3, §7.1, §7.4, §14 and §15 define it, from this side's view: each event
/// returns what to do.
///
/// ``ConnectionHandler`` owns the channel, the streams' ``StreamContext``s, the timers and the writes; which frames
/// the connection accepts, which stream ids are idle, open or closed, when a stream is refused, who goes away and when
/// the connection closes are decided here, and the handler runs the returned action. Each stream's own state is its
/// ``StreamStateMachine``. Flow control (§13: windows, WINDOW_UPDATE arithmetic, credit returns), message reassembly,
/// the contents of SETTINGS (``Settings``), the client's keepalive timer and the header-size checks of §5.2 stay with
/// the handler. The machine reads no clock: time arrives as an event's parameter.
///
/// ```swift
/// var connection = ConnectionStateMachine(role: .server, settings: Settings())
/// _ = connection.receivedPreface(majorVersion: 1)  // .sendPrefaceAndSettings
/// _ = connection.receivedFrame(type: 0x04, flags: 0, streamID: 0, payloadLength: 0, isStreamOpen: false)
/// connection.appliedSettings()  // the peer's SETTINGS were valid: the connection is ready
/// switch connection.receivedFrame(type: 0x01, flags: 0, streamID: 1, payloadLength: 20, isStreamOpen: false) {
/// case .openStream: connection.streamOpened()  // decode the head, then register the stream
/// case .refuseStream(let status): _ = status  // CANCEL(status): not processed, retry-safe
/// default: break
/// }
/// ```
package struct ConnectionStateMachine: Sendable, Hashable {
    /// Which end of the connection this is.
    package typealias Role = ConnectionHandler.Role

    /// How far the opening handshake has come (§3).
    package enum Handshake: Sendable, Hashable {
        /// Nothing received yet. → ``awaitingSettings`` when the peer's preface arrives (a wrong major version is a
        /// connection error, VERSION_UNSUPPORTED). Any frame here is a connection error PROTOCOL_ERROR.
        case awaitingPreface
        /// The peer's preface arrived; its first frame must be SETTINGS (§16.3 #3). → ``ready`` once those SETTINGS
        /// are applied.
        case awaitingSettings
        /// Both prefaces and the peer's SETTINGS are through: the client may open streams. Nothing leaves it.
        case ready
    }

    /// Server: where the graceful drain of §15 stands.
    package enum Drain: Sendable, Hashable {
        /// Not draining. → ``awaitingPingAck`` on ``ConnectionStateMachine/beginGracefulShutdown(pingMarker:)``.
        case none
        /// GOAWAY(2³¹−1) and a PING with this marker were sent; new streams are refused. → ``finalGoAwaySent`` when
        /// the PING's ACK arrives.
        case awaitingPingAck(marker: UInt64)
        /// The GOAWAY naming the last accepted stream was sent; the connection closes once no stream is left.
        case finalGoAwaySent
    }

    /// What to do with the peer's preface.
    package enum PrefaceAction: Sendable, Hashable {
        /// Client: the server speaks our major version; wait for its SETTINGS.
        case accept
        /// Server: answer with our preface and SETTINGS (§3 step 4).
        case sendPrefaceAndSettings
        /// Server: the client's major version is not ours. Write our preface, then fail with the error (GOAWAY
        /// VERSION_UNSUPPORTED, no SETTINGS; §3 step 3, §16.3 #2).
        case refuseVersion(WireError)
        /// A connection error: GOAWAY with its code, then close.
        case connectionError(WireError)
    }

    /// What to do with a received frame, once its header is known (the payload is the handler's to read).
    package enum FrameAction: Sendable, Hashable {
        /// Drop it: an unknown type (§5, §16.3 #7), a SETTINGS ACK, or CANCEL or WINDOW_UPDATE on an idle id (#15) or a
        /// WINDOW_UPDATE on a closed one.
        case discard
        /// A connection error (§16.1): GOAWAY with its code, then close.
        case connectionError(WireError)
        /// Apply the peer's SETTINGS (only the first sets CONNECTION_WINDOW), acknowledge them, then report
        /// ``ConnectionStateMachine/appliedSettings()``.
        case applySettings(isFirst: Bool)
        /// A PING to answer: report ``ConnectionStateMachine/receivedPing(now:)`` (the server polices it).
        case ping
        /// A PING ACK: report ``ConnectionStateMachine/receivedPingAck(marker:)``.
        case pingAck
        /// A GOAWAY of at least 8 bytes: report ``ConnectionStateMachine/receivedGoAway(lastStreamID:code:)``.
        case goAway
        /// Credit for the connection's send window (flow control is the handler's, §13).
        case connectionWindowUpdate
        /// Server: HEADERS open a new stream. The id is now the last opened; check and decode the head (§5.2), then
        /// report ``ConnectionStateMachine/streamOpened()`` once the stream is registered.
        case openStream
        /// Server: a new stream that is not processed (§7.4, §15): answer CANCEL(status) at once. Its id counts as
        /// opened.
        case refuseStream(status: UInt32)
        /// A frame for an open stream: its ``StreamStateMachine`` decides (DATA spends connection credit first).
        case streamFrame(FrameType)
        /// A frame for a closed stream (§7.1, §16.3 #16): drop it, but DATA still counts against the connection
        /// window and is returned to it (§13).
        case closedStreamFrame(FrameType)
    }

    /// What to do with a PING that is not an ACK.
    package enum PingAction: Sendable, Hashable {
        /// Answer it with an ACK carrying the same 8 bytes.
        case answer
        /// A connection error (ENHANCE_YOUR_CALM, §14, §16.3 #30): GOAWAY, then close.
        case connectionError(WireError)
    }

    /// What to do once a PING ACK arrived.
    package enum PingAckAction: Sendable, Hashable {
        /// Nothing (a keepalive ACK is the handler's to match; an unknown ACK is ignored, §5.6).
        case none
        /// Server: the drain's PING came back (§15 step 2): send GOAWAY(lastStreamID, NO_ERROR, "draining"), and
        /// close when `close` says no stream is left.
        case sendFinalGoAway(lastStreamID: UInt32, close: Bool)
    }

    /// What to do with a valid GOAWAY from the peer (§15).
    package struct GoAwayAction: Sendable, Hashable {
        /// Fail every stream above this id with UNAVAILABLE: the peer never processed them, they are safe to retry.
        package var failStreamsAbove: UInt32
        /// What follows.
        package var then: Then

        /// Creates the action.
        package init(failStreamsAbove: UInt32, then: Then) {
            self.failStreamsAbove = failStreamsAbove
            self.then = then
        }

        /// What follows the refused streams' failure.
        package enum Then: Sendable, Hashable {
            /// Nothing: the streams at or below the id finish.
            case none
            /// A non-zero code: fail every remaining stream with UNAVAILABLE and close.
            case closeWithError
            /// Client, NO_ERROR: close if no stream is left (``ConnectionStateMachine/hasOpenStreams``).
            case closeIfIdle
        }
    }

    /// What to do as the connection ends with an error.
    package enum ConnectionErrorAction: Sendable, Hashable {
        /// Already closed: nothing.
        case none
        /// Send GOAWAY(lastStreamID, code), flush, fail every stream with UNAVAILABLE and close.
        case sendGoAwayAndClose(lastStreamID: UInt32)
        /// Server, before the client's preface: close without writing anything (§3 step 2, §16.3 #1).
        case close
    }

    /// What to do when the idle timer fires (§14).
    package enum IdleCheckAction: Sendable, Hashable {
        /// The connection is closed: stop the timer.
        case stop
        /// Something arrived, or a stream is open: check again one period later.
        case reschedule
        /// Nothing arrived for a period and no stream is open: GOAWAY(lastStreamID, NO_ERROR, "idle"), then close.
        case closeIdle(lastStreamID: UInt32)
    }

    /// Which end of the connection this is.
    package let role: Role
    /// Our MAX_CONCURRENT_STREAMS: the server refuses a stream beyond it (§7.4).
    package let maxConcurrentStreams: Int
    /// Our KEEPALIVE_MIN_INTERVAL_MS, as a duration (§14).
    package let keepaliveMinimumInterval: TimeAmount

    /// How far the handshake has come.
    package private(set) var handshake: Handshake = .awaitingPreface
    /// The highest stream id opened so far (§7.1): the client's own, or the highest HEADERS the server took,
    /// refused and discarded ones included (§7.4, §15).
    package private(set) var lastStreamID: UInt32 = 0
    /// The streams the handler has registered and not yet removed.
    package private(set) var openStreams = 0
    /// The lowest `last_stream_id` of the peer's GOAWAYs, once one arrived: no new stream may open (§15).
    package private(set) var peerGoAwayLastStreamID: UInt32?
    /// Server: the graceful drain (§15).
    package private(set) var drain: Drain = .none
    /// Client: no new streams; close once the open ones finish.
    package private(set) var isClosingWhenIdle = false
    /// The connection ended; its streams failed.
    package private(set) var isClosed = false
    /// Server: the highest stream id it accepted (opened for a handler), which its GOAWAYs name (§15); refused and
    /// discarded ids are not counted.
    package private(set) var lastAcceptedStreamID: UInt32 = 0
    /// Server: when the PINGs that arrived while no stream was open came, the latest two at most (§14).
    package private(set) var recentPingsWithoutStreams: [NIODeadline] = []

    /// Creates a connection that has received nothing yet.
    ///
    /// - Parameters:
    ///   - role: which end of the connection this is.
    ///   - settings: our own settings (MAX_CONCURRENT_STREAMS and KEEPALIVE_MIN_INTERVAL_MS are the ones used here).
    package init(role: Role, settings: Settings) {
        self.role = role
        self.maxConcurrentStreams = settings.maxConcurrentStreams
        self.keepaliveMinimumInterval = .milliseconds(Int64(settings.keepaliveMinimumIntervalMilliseconds))
    }

    /// Whether the peer's preface arrived.
    package var isPrefaceReceived: Bool { self.handshake != .awaitingPreface }

    /// Whether the client may open streams: the server's preface and SETTINGS arrived (§3).
    package var isReady: Bool { self.handshake == .ready }

    /// Whether the handler holds any stream.
    package var hasOpenStreams: Bool { self.openStreams > 0 }

    /// Whether the server is draining (§15): new streams are refused.
    package var isDraining: Bool { self.drain != .none }

    /// Client: whether the connection can take a new stream now (ready, not closed, no GOAWAY received).
    package var acceptsNewStreams: Bool {
        self.isReady && !self.isClosed && self.peerGoAwayLastStreamID == nil
    }

    // MARK: - Handshake (§3)

    /// The peer's 8-byte preface arrived (its magic already checked by the decoder, §16.3 #1).
    package mutating func receivedPreface(majorVersion: UInt8) -> PrefaceAction {
        guard self.handshake == .awaitingPreface else {
            return .connectionError(.connection(.protocolError, "second preface"))
        }
        self.handshake = .awaitingSettings
        let current = Preface.current
        switch self.role {
        case .server:
            guard majorVersion == current.major else {
                // Our preface tells the client which version we speak; no SETTINGS for a peer we cannot serve.
                return .refuseVersion(
                    .connection(.versionUnsupported, "server speaks SWP/\(current.major).\(current.minor)")
                )
            }
            return .sendPrefaceAndSettings
        case .client:
            guard majorVersion == current.major else {
                return .connectionError(.connection(.versionUnsupported, "client speaks SWP/\(current.major)"))
            }
            return .accept
        }
    }

    /// The SETTINGS of an ``FrameAction/applySettings(isFirst:)`` were valid and applied.
    ///
    /// - Returns: whether the connection just became ready (the client may now open streams, §3).
    @discardableResult
    package mutating func appliedSettings() -> Bool {
        guard self.handshake != .ready else { return false }
        self.handshake = .ready
        return true
    }

    // MARK: - Frames (§5, §7.1, §7.4, §16.3)

    /// A frame's header arrived.
    ///
    /// - Parameters:
    ///   - type: the type byte (an unknown one is discarded).
    ///   - flags: the flag byte.
    ///   - streamID: the stream id.
    ///   - payloadLength: the payload's length (for the fixed sizes of §16.3 #9).
    ///   - isStreamOpen: whether the handler holds a stream with this id.
    package mutating func receivedFrame(
        type: UInt8,
        flags: UInt8,
        streamID: UInt32,
        payloadLength: Int,
        isStreamOpen: Bool
    ) -> FrameAction {
        switch self.handshake {
        case .ready:
            break
        case .awaitingPreface:
            return .connectionError(.connection(.protocolError, "frame before preface"))
        case .awaitingSettings:
            // An unknown type is discarded even here (§5); the server's first frame may be GOAWAY (§3 step 3); any
            // other known one is a violation (§16.3 #3).
            if let known = FrameType(rawValue: type), known != .settings, !(known == .goAway && self.role == .client) {
                return .connectionError(.connection(.protocolError, "the first frame must be SETTINGS"))
            }
        }
        guard let frameType = FrameType(rawValue: type) else { return .discard }  // §16.3 #7
        switch frameType {
        case .settings:
            guard streamID == 0 else { return .connectionError(.connection(.protocolError, "SETTINGS on a stream")) }
            if flags & FrameFlags.ack != 0 {
                guard payloadLength == 0 else {
                    return .connectionError(.connection(.frameSizeError, "SETTINGS ACK with a payload"))
                }
                return .discard
            }
            return .applySettings(isFirst: self.handshake != .ready)
        case .ping:
            guard streamID == 0 else { return .connectionError(.connection(.protocolError, "PING on a stream")) }
            guard payloadLength == 8 else {
                return .connectionError(.connection(.frameSizeError, "PING must carry 8 bytes"))
            }
            return flags & FrameFlags.ack != 0 ? .pingAck : .ping
        case .goAway:
            guard streamID == 0 else { return .connectionError(.connection(.protocolError, "GOAWAY on a stream")) }
            guard payloadLength >= 8 else {
                return .connectionError(.connection(.frameSizeError, "GOAWAY shorter than 8 bytes"))
            }
            return .goAway
        case .windowUpdate:
            guard payloadLength == 4 else {
                return .connectionError(.connection(.frameSizeError, "WINDOW_UPDATE must carry 4 bytes"))
            }
            if streamID == 0 { return .connectionWindowUpdate }
            // §7.1: discarded on an idle id (#15) and on a closed one (#16).
            return isStreamOpen ? .streamFrame(.windowUpdate) : .discard
        case .headers, .data, .trailers, .cancel:
            guard streamID != 0 else {
                return .connectionError(.connection(.protocolError, "\(frameType) frame on stream 0"))
            }
            return self.receivedStreamFrame(frameType, streamID: streamID, isStreamOpen: isStreamOpen)
        }
    }

    /// HEADERS, DATA, TRAILERS or CANCEL on a stream other than 0: the id rules of §7.1.
    private mutating func receivedStreamFrame(
        _ type: FrameType,
        streamID: UInt32,
        isStreamOpen: Bool
    ) -> FrameAction {
        if type == .headers, self.role == .server {
            // §7.1, §16.3 #13: a client HEADERS must name a new id; one on a stream still open reuses its id.
            guard !isStreamOpen else {
                return .connectionError(
                    .connection(.protocolError, "HEADERS for stream \(streamID), which is already open")
                )
            }
            return self.receivedNewStream(streamID)
        }
        if self.role == .server, type == .trailers {
            return .connectionError(.connection(.protocolError, "TRAILERS from a client"))  // §7.3, §16.3 #19
        }
        if streamID > self.lastStreamID || streamID % 2 == 0 {
            // Idle: even, or above the highest opened (§7.1, §16.3 #14, #15): CANCEL is discarded; DATA, TRAILERS and a
            // server's HEADERS are violations.
            if type == .cancel { return .discard }
            return .connectionError(
                .connection(.protocolError, "\(type) frame for stream \(streamID), which was never opened")
            )
        }
        return isStreamOpen ? .streamFrame(type) : .closedStreamFrame(type)
    }

    /// Server: HEADERS for an id the handler does not hold (§7.1, §7.4, §15).
    private mutating func receivedNewStream(_ id: UInt32) -> FrameAction {
        guard id % 2 == 1, id > self.lastStreamID else {
            return .connectionError(.connection(.protocolError, "stream id \(id) is even or not increasing"))
        }
        self.lastStreamID = id
        // §15: streams the client opened before it saw the first GOAWAY arrive until the PING ACK, and are taken;
        // HEADERS above the final GOAWAY's id are discarded (chosen).
        if self.drain == .finalGoAwaySent { return .discard }
        if self.openStreams >= self.maxConcurrentStreams {
            return .refuseStream(status: StreamFailure.unavailable)
        }
        self.lastAcceptedStreamID = id
        return .openStream
    }

    // MARK: - Streams

    /// Client: whether a new stream may open now (§3: after the server's SETTINGS; §15: not after a GOAWAY, nor while
    /// closing; §7.4: within the server's MAX_CONCURRENT_STREAMS).
    ///
    /// - Parameter peerMaxConcurrentStreams: the server's MAX_CONCURRENT_STREAMS.
    package func mayOpenStream(peerMaxConcurrentStreams: Int) -> Bool {
        guard self.role == .client, self.isReady, !self.isClosed, !self.isClosingWhenIdle,
            self.peerGoAwayLastStreamID == nil
        else { return false }
        return self.openStreams < peerMaxConcurrentStreams
    }

    /// Client: takes the next stream id (§7.1: odd, strictly increasing, from 1).
    ///
    /// Call after ``mayOpenStream(peerMaxConcurrentStreams:)``, then ``streamOpened()`` once the stream is registered.
    /// - Returns: the id, or `nil` when none is left below 2³¹ (the caller needs a new connection).
    package mutating func nextStreamID() -> UInt32? {
        let id = self.lastStreamID == 0 ? 1 : self.lastStreamID + 2
        guard id < 0x8000_0000 else { return nil }
        self.lastStreamID = id
        return id
    }

    /// The handler registered a stream (client: after ``nextStreamID()``; server: after ``FrameAction/openStream``).
    package mutating func streamOpened() {
        self.openStreams += 1
    }

    /// The handler removed a stream it held.
    ///
    /// - Returns: whether the connection must now close (flushing first): the client was closing when idle, or the
    ///   server's drain is over (§15 step 3).
    package mutating func streamClosed() -> Bool {
        self.openStreams -= 1
        guard self.openStreams == 0 else { return false }
        return self.isClosingWhenIdle || self.drain == .finalGoAwaySent
    }

    // MARK: - PING (§14)

    /// A PING without ACK arrived (valid: stream 0, 8 bytes).
    ///
    /// - Parameter now: the time of its arrival (the server counts PINGs while no stream is open).
    package mutating func receivedPing(now: NIODeadline) -> PingAction {
        // PINGs while a stream is open are not counted (§14).
        guard self.role == .server, self.openStreams == 0 else { return .answer }
        // More than 2 within the preceding KEEPALIVE_MIN_INTERVAL_MS, this one included (§14, §16.3 #30).
        self.recentPingsWithoutStreams.removeAll { now - $0 >= self.keepaliveMinimumInterval }
        if self.recentPingsWithoutStreams.count >= 2 {
            return .connectionError(.connection(.enhanceYourCalm, "too many pings"))
        }
        self.recentPingsWithoutStreams.append(now)
        return .answer
    }

    /// A PING ACK arrived carrying `marker`.
    package mutating func receivedPingAck(marker: UInt64?) -> PingAckAction {
        guard case .awaitingPingAck(let expected) = self.drain, marker == expected else { return .none }
        // Every stream the client sent before it saw the first GOAWAY has arrived: name the real last one.
        self.drain = .finalGoAwaySent
        return .sendFinalGoAway(lastStreamID: self.lastAcceptedStreamID, close: self.openStreams == 0)
    }

    // MARK: - Going away and closing (§15)

    /// A valid GOAWAY arrived.
    package mutating func receivedGoAway(lastStreamID: UInt32, code: UInt32) -> GoAwayAction {
        self.peerGoAwayLastStreamID = min(lastStreamID, self.peerGoAwayLastStreamID ?? lastStreamID)
        let then: GoAwayAction.Then
        if code != WireErrorCode.noError.rawValue {
            then = .closeWithError
        } else if self.role == .client {
            then = .closeIfIdle
        } else {
            then = .none
        }
        // A client's GOAWAY names the streams the server opened, and a server opens none (§7.1): its id fails
        // nothing (a client closing sends GOAWAY(0, NO_ERROR) while its last calls may still be finishing).
        return GoAwayAction(failStreamsAbove: self.role == .client ? lastStreamID : .max, then: then)
    }

    /// Server: begins the graceful drain (§15 step 1).
    ///
    /// - Parameter pingMarker: the 8 bytes of the PING to send (the handler draws them).
    /// - Returns: whether to send GOAWAY(2³¹−1, NO_ERROR, "draining") and the PING now (`false` when already
    ///   draining or closed).
    package mutating func beginGracefulShutdown(pingMarker: UInt64) -> Bool {
        guard self.drain == .none, !self.isClosed else { return false }
        self.drain = .awaitingPingAck(marker: pingMarker)
        return true
    }

    /// Client: take no new streams, and close once the open ones have finished.
    ///
    /// - Returns: whether to close now (no stream is open).
    package mutating func closeWhenIdle() -> Bool {
        self.isClosingWhenIdle = true
        return self.openStreams == 0
    }

    /// The SETTINGS timer fired, 10 seconds after the connection started (§3, §16.3 #4).
    ///
    /// - Returns: whether the peer's SETTINGS are still missing, a connection error SETTINGS_TIMEOUT.
    package func settingsTimerFired() -> Bool {
        !self.isClosed && !self.isReady
    }

    /// The idle timer fired (§14, §16.3 #27).
    ///
    /// - Parameter hasRead: whether anything arrived since the timer was set.
    package func idleTimerFired(hasRead: Bool) -> IdleCheckAction {
        if self.isClosed { return .stop }
        if !hasRead, self.openStreams == 0 { return .closeIdle(lastStreamID: self.goAwayLastStreamID) }
        return .reschedule
    }

    /// A connection error was detected (by the machine or the handler).
    package func connectionError(_ code: WireErrorCode) -> ConnectionErrorAction {
        if self.isClosed { return .none }
        // A server that never saw a preface writes nothing (§16.3 #1); version refusals have written ours.
        if self.isPrefaceReceived || self.role == .client || code == .versionUnsupported {
            return .sendGoAwayAndClose(lastStreamID: self.goAwayLastStreamID)
        }
        return .close
    }

    /// The `last_stream_id` of a GOAWAY this side sends (§15): the server's highest accepted stream, 0 from a client.
    var goAwayLastStreamID: UInt32 {
        self.role == .server ? self.lastAcceptedStreamID : 0
    }

    /// The status a client's calls at or below a GOAWAY's `last_stream_id` fail with when the connection ends with
    /// `code` (§15 "Connection errors"): UNAVAILABLE for NO_ERROR and ENHANCE_YOUR_CALM, INTERNAL for any other code,
    /// unknown ones included (§16.2).
    package static func callStatus(afterConnectionError code: UInt32) -> UInt32 {
        switch code {
        case WireErrorCode.noError.rawValue, WireErrorCode.enhanceYourCalm.rawValue: StreamFailure.unavailable
        default: StreamFailure.internal
        }
    }

    /// The connection ended (a connection error, GOAWAY with an error, loss, idle or keepalive timeout).
    ///
    /// - Returns: whether it was open, so its streams must be failed now.
    package mutating func closed() -> Bool {
        guard !self.isClosed else { return false }
        self.isClosed = true
        return true
    }
}

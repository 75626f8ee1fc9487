// The wire's connection state machine under libFuzzer, driven directly: no channel, no bytes on a socket, only events.
//
// Built with `scripts/fuzz` (`-sanitize=fuzzer,address -DFUZZING`), its `main` hands control to libFuzzer's driver.
// Built normally, it replays files (the committed corpus in Tests/Fuzz/corpus/connection) through the same harness.
import NIOCore
import SoukFuzzSupport
import SoukWire

/// Runs the events `bytes` spell on a ``ConnectionStateMachine`` and on a plain model of PROTOCOL.md §3, §7.1, §7.4,
/// §14 and §15 beside it, playing the handler's part (which streams it holds); a failed `precondition` is the finding.
///
/// The first byte picks the role (bit 0) and our MAX_CONCURRENT_STREAMS (bits 1–3). Each event is a byte (its low 4
/// bits the event, its high 4 bits flags), some followed by one argument byte. Checked after every event: the
/// machine's action is the model's, the open-stream count and the last stream id agree, ids only grow, a closed
/// connection stays closed, a connection that went away opens no stream again.
func fuzzConnectionStates(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let role: ConnectionStateMachine.Role = first & 1 == 0 ? .client : .server
    var settings = Settings()
    settings.maxConcurrentStreams = Int((first >> 1) & 7)
    settings.keepaliveMinimumIntervalMilliseconds = 100
    var machine = ConnectionStateMachine(role: role, settings: settings)
    var model = ConnectionModel(role: role, maxConcurrentStreams: settings.maxConcurrentStreams)
    var now = NIODeadline.uptimeNanoseconds(1_000_000_000)
    var events = bytes.dropFirst().makeIterator()
    while let byte = events.next() {
        let flags = byte >> 4
        let argument = events.next() ?? 0
        let lastBefore = machine.lastStreamID
        let wasClosed = machine.isClosed
        let wasGoingAway = machine.peerGoAwayLastStreamID != nil
        switch byte & 0x0F {
        case 0:
            let major: UInt8 = flags & 1 == 0 ? 1 : 2
            let action = machine.receivedPreface(majorVersion: major)
            precondition(ConnectionModel.outcome(action) == model.receivedPreface(major: major), "preface: \(action)")
        case 1, 2:
            // A frame: the type from the argument's low 4 bits (8…15 unknown), the id from its high bits and flags.
            let type = argument & 0x0F
            let streamID = UInt32(argument >> 4) + (byte & 0x0F == 2 ? UInt32(flags) << 4 : 0)
            let frameFlags: UInt8 = flags & 1 == 0 ? 0 : FrameFlags.ack
            let length = ConnectionModel.length(type: type, wrong: flags & 2 != 0)
            let isOpen = model.open.contains(streamID)
            let action = machine.receivedFrame(
                type: type,
                flags: frameFlags,
                streamID: streamID,
                payloadLength: length,
                isStreamOpen: isOpen
            )
            let expected = model.receivedFrame(type: type, ack: frameFlags != 0, streamID: streamID, length: length)
            precondition(
                ConnectionModel.outcome(action) == expected,
                "frame \(type) on \(streamID): \(action), model \(expected)"
            )
            switch action {
            case .applySettings where flags & 4 == 0:
                // The settings were valid (else Settings.apply threw and nothing is reported).
                precondition(machine.appliedSettings() == !model.ready, "appliedSettings")
                model.ready = true
            case .openStream where flags & 4 == 0:
                // The head was within MAX_HEADER_SIZE and decoded: the handler registers the stream.
                machine.streamOpened()
                model.open.insert(streamID)
            default:
                break
            }
        case 3:
            now = now + .milliseconds(Int64(argument))
            let action = machine.receivedPing(now: now)
            precondition(ConnectionModel.outcome(action) == model.receivedPing(now: now), "ping: \(action)")
        case 4:
            let marker: UInt64? = flags & 1 == 0 ? UInt64(argument) : nil
            let action = machine.receivedPingAck(marker: marker)
            precondition(action == model.receivedPingAck(marker: marker), "ping ack: \(action)")
        case 5:
            let last = UInt32(argument)
            let code = UInt32(flags & 3)
            let action = machine.receivedGoAway(lastStreamID: last, code: code)
            precondition(action == model.receivedGoAway(last: last, code: code), "goaway: \(action)")
            // The handler fails the streams above the id, and on an error every stream, then closes.
            for id in model.open.sorted() where id > action.failStreamsAbove { closeStream(id, &machine, &model) }
            if action.then == .closeWithError { closeConnection(&machine, &model) }
        case 6:
            let shouldSend = machine.beginGracefulShutdown(pingMarker: UInt64(argument))
            precondition(shouldSend == model.beginDrain(marker: UInt64(argument)), "drain")
        case 7:
            precondition(machine.closeWhenIdle() == model.closeWhenIdle(), "closeWhenIdle")
        case 8:
            let peerMax = Int(flags)
            let mayOpen = machine.mayOpenStream(peerMaxConcurrentStreams: peerMax)
            precondition(mayOpen == model.mayOpen(peerMax: peerMax), "mayOpenStream: \(mayOpen)")
            if mayOpen {
                let id = machine.nextStreamID()
                precondition(id == model.nextID(), "nextStreamID: \(String(describing: id))")
                if let id {
                    precondition(id % 2 == 1 && id > lastBefore, "client id \(id) after \(lastBefore)")
                    machine.streamOpened()
                    model.open.insert(id)
                }
            }
        case 9:
            let ids = model.open.sorted()
            if !ids.isEmpty { closeStream(ids[Int(argument) % ids.count], &machine, &model) }
        case 10:
            let action = machine.idleTimerFired(hasRead: flags & 1 != 0)
            precondition(action == model.idleTimerFired(hasRead: flags & 1 != 0), "idle: \(action)")
        case 11:
            let code = WireErrorCode(rawValue: UInt32(argument % 14)) ?? .internalError
            let action = machine.connectionError(code)
            precondition(action == model.connectionError(code), "connectionError: \(action)")
            if action != .none { closeConnection(&machine, &model) }
        case 12:
            closeConnection(&machine, &model)
        default:
            continue
        }
        precondition(machine.openStreams == model.open.count, "open streams: \(machine.openStreams), model \(model)")
        precondition(machine.lastStreamID == model.lastStreamID, "last id \(machine.lastStreamID), model \(model)")
        precondition(machine.lastStreamID >= lastBefore, "the last stream id went down")
        precondition(!wasClosed || machine.isClosed, "a closed connection reopened")
        precondition(!wasGoingAway || !machine.acceptsNewStreams, "a connection that went away accepts streams again")
        precondition(machine.isReady == model.ready, "ready: machine \(machine.isReady), model \(model)")
        precondition(machine.isDraining == (model.drainMarker != nil || model.finalGoAwaySent), "draining")
    }
}

/// The handler removes a stream it held.
private func closeStream(_ id: UInt32, _ machine: inout ConnectionStateMachine, _ model: inout ConnectionModel) {
    model.open.remove(id)
    let close = machine.streamClosed()
    precondition(close == model.closesAfterStreamClosed(), "streamClosed: \(close), model \(model)")
    precondition(!close || model.open.isEmpty, "closing with streams open")
}

/// The handler's `closeAll`: the connection ends, its streams fail.
private func closeConnection(_ machine: inout ConnectionStateMachine, _ model: inout ConnectionModel) {
    let wasOpen = machine.closed()
    precondition(wasOpen == !model.closed, "closed: \(wasOpen), model \(model)")
    model.closed = true
    for id in model.open.sorted() { closeStream(id, &machine, &model) }
}

/// PROTOCOL.md's connection rules as sets and flags, written apart from the machine (as the handler's checks once
/// were).
struct ConnectionModel: CustomStringConvertible {
    enum Outcome: Hashable {
        case accept, sendPrefaceAndSettings, refuseVersion
        case error(WireErrorCode)
        case discard
        case applySettings(Bool)
        case ping, pingAck, goAway, connectionWindowUpdate, open
        case refuse(UInt32)
        case stream(UInt8)
        case closedStream(UInt8)
        case answer
    }

    let role: ConnectionStateMachine.Role
    let maxConcurrentStreams: Int
    var prefaceReceived = false
    var ready = false
    var closed = false
    var closingWhenIdle = false
    var lastStreamID: UInt32 = 0
    var open: Set<UInt32> = []
    var peerGoAway: UInt32?
    var drainMarker: UInt64?
    var finalGoAwaySent = false
    var lastAccepted: UInt32 = 0
    /// Server: the times of the PINGs that came while no stream was open.
    var pingsWithoutStreams: [NIODeadline] = []

    init(role: ConnectionStateMachine.Role, maxConcurrentStreams: Int) {
        self.role = role
        self.maxConcurrentStreams = maxConcurrentStreams
    }

    var description: String {
        "ready \(self.ready) closed \(self.closed) last \(self.lastStreamID) open \(self.open.sorted())"
    }

    /// A payload length for a frame of `type`: the right fixed size, or a wrong one.
    static func length(type: UInt8, wrong: Bool) -> Int {
        switch type {
        case 5: return wrong ? 7 : 8  // PING
        case 6: return wrong ? 5 : 12  // GOAWAY
        case 3, 7: return wrong ? 6 : 4  // CANCEL, WINDOW_UPDATE
        case 4: return wrong ? 6 : 0  // SETTINGS (an ACK must be empty)
        default: return wrong ? 30 : 10
        }
    }

    mutating func receivedPreface(major: UInt8) -> Outcome {
        if self.prefaceReceived { return .error(.protocolError) }
        self.prefaceReceived = true
        if major != 1 { return self.role == .server ? .refuseVersion : .error(.versionUnsupported) }
        return self.role == .server ? .sendPrefaceAndSettings : .accept
    }

    mutating func receivedFrame(type: UInt8, ack: Bool, streamID id: UInt32, length: Int) -> Outcome {
        if !self.prefaceReceived { return .error(.protocolError) }
        if type > 7 { return .discard }  // unknown
        // The first frame must be SETTINGS; a server's may be GOAWAY (§3).
        if !self.ready, type != 4, !(type == 6 && self.role == .client) { return .error(.protocolError) }
        let isControl = type == 4 || type == 5 || type == 6
        if isControl, id != 0 { return .error(.protocolError) }
        switch type {
        case 4: return ack ? (length == 0 ? .discard : .error(.frameSizeError)) : .applySettings(!self.ready)
        case 5: return length != 8 ? .error(.frameSizeError) : (ack ? .pingAck : .ping)
        case 6: return length < 8 ? .error(.frameSizeError) : .goAway
        case 7:
            if length != 4 { return .error(.frameSizeError) }
            if id == 0 { return .connectionWindowUpdate }
            return self.open.contains(id) ? .stream(7) : .discard
        default:
            break
        }
        if id == 0 { return .error(.protocolError) }
        let isOpen = self.open.contains(id)
        if self.role == .server {
            if type == 1 {
                // A new id, odd and above every id seen (§7.1, §16.3 #13).
                guard !isOpen, id % 2 == 1, id > self.lastStreamID else { return .error(.protocolError) }
                self.lastStreamID = id
                // After the final GOAWAY: discarded; before the PING ACK the stream is taken (§15).
                if self.finalGoAwaySent { return .discard }
                if self.open.count >= self.maxConcurrentStreams { return .refuse(14) }
                self.lastAccepted = id
                return .open
            }
            if type == 2 { return .error(.protocolError) }  // TRAILERS from a client
        }
        if isOpen { return .stream(type) }
        // Not held: idle (even, or above the last id) or closed (§7.1).
        if id > self.lastStreamID || id % 2 == 0 { return type == 3 ? .discard : .error(.protocolError) }
        return .closedStream(type)
    }

    mutating func receivedPing(now: NIODeadline) -> Outcome {
        // §14: only a server counts, only PINGs while no stream is open; a third within 100 ms ends the connection.
        guard self.role == .server, self.open.isEmpty else { return .answer }
        let within = self.pingsWithoutStreams.filter { now - $0 < .milliseconds(100) }
        if within.count >= 2 { return .error(.enhanceYourCalm) }
        self.pingsWithoutStreams = within + [now]
        return .answer
    }

    mutating func receivedPingAck(marker: UInt64?) -> ConnectionStateMachine.PingAckAction {
        guard let expected = self.drainMarker, marker == expected else { return .none }
        self.drainMarker = nil
        self.finalGoAwaySent = true
        return .sendFinalGoAway(lastStreamID: self.lastAccepted, close: self.open.isEmpty)
    }

    mutating func receivedGoAway(last: UInt32, code: UInt32) -> ConnectionStateMachine.GoAwayAction {
        self.peerGoAway = min(last, self.peerGoAway ?? last)
        // A client's GOAWAY names server-opened streams, of which there are none: it fails nothing on a server.
        let above = self.role == .client ? last : UInt32.max
        if code != 0 { return .init(failStreamsAbove: above, then: .closeWithError) }
        return .init(failStreamsAbove: above, then: self.role == .client ? .closeIfIdle : .none)
    }

    mutating func beginDrain(marker: UInt64) -> Bool {
        guard self.drainMarker == nil, !self.finalGoAwaySent, !self.closed else { return false }
        self.drainMarker = marker
        return true
    }

    mutating func closeWhenIdle() -> Bool {
        self.closingWhenIdle = true
        return self.open.isEmpty
    }

    func mayOpen(peerMax: Int) -> Bool {
        self.role == .client && self.ready && !self.closed && !self.closingWhenIdle && self.peerGoAway == nil
            && self.open.count < peerMax
    }

    mutating func nextID() -> UInt32? {
        let id = self.lastStreamID + (self.lastStreamID == 0 ? 1 : 2)
        guard id <= 0x7FFF_FFFF else { return nil }
        self.lastStreamID = id
        return id
    }

    func closesAfterStreamClosed() -> Bool {
        self.open.isEmpty && (self.closingWhenIdle || self.finalGoAwaySent)
    }

    func idleTimerFired(hasRead: Bool) -> ConnectionStateMachine.IdleCheckAction {
        if self.closed { return .stop }
        return !hasRead && self.open.isEmpty ? .closeIdle(lastStreamID: self.goAwayLastStreamID) : .reschedule
    }

    func connectionError(_ code: WireErrorCode) -> ConnectionStateMachine.ConnectionErrorAction {
        if self.closed { return .none }
        if self.role == .server, !self.prefaceReceived, code != .versionUnsupported { return .close }
        return .sendGoAwayAndClose(lastStreamID: self.goAwayLastStreamID)
    }

    /// §15: a server names its last accepted stream, a client 0.
    var goAwayLastStreamID: UInt32 { self.role == .server ? self.lastAccepted : 0 }

    static func outcome(_ action: ConnectionStateMachine.PrefaceAction) -> Outcome {
        switch action {
        case .accept: return .accept
        case .sendPrefaceAndSettings: return .sendPrefaceAndSettings
        case .refuseVersion: return .refuseVersion
        case .connectionError(let error): return .error(Self.code(error))
        }
    }

    static func outcome(_ action: ConnectionStateMachine.PingAction) -> Outcome {
        switch action {
        case .answer: return .answer
        case .connectionError(let error): return .error(Self.code(error))
        }
    }

    static func outcome(_ action: ConnectionStateMachine.FrameAction) -> Outcome {
        switch action {
        case .discard: return .discard
        case .connectionError(let error): return .error(Self.code(error))
        case .applySettings(let isFirst): return .applySettings(isFirst)
        case .ping: return .ping
        case .pingAck: return .pingAck
        case .goAway: return .goAway
        case .connectionWindowUpdate: return .connectionWindowUpdate
        case .openStream: return .open
        case .refuseStream(let status): return .refuse(status)
        case .streamFrame(let type): return .stream(type.rawValue)
        case .closedStreamFrame(let type): return .closedStream(type.rawValue)
        }
    }

    private static func code(_ error: WireError) -> WireErrorCode {
        guard case .connection(let code) = error.scope else { preconditionFailure("a stream error: \(error)") }
        return code
    }
}

@main
struct ConnectionFuzzer {
    static func main() {
        FuzzMain.run(harness: fuzzConnectionStates)
    }
}

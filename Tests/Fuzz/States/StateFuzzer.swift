// The wire's stream state machine under libFuzzer, driven directly: no channel, no frames, only events.
//
// Built with `scripts/fuzz` (`-sanitize=fuzzer,address -DFUZZING`), its `main` hands control to libFuzzer's driver.
// Built normally, it replays files (the committed corpus in Tests/Fuzz/corpus/states) through the same harness.
import SoukFuzzSupport
import SoukWire

/// Runs the events `bytes` spell on a ``StreamStateMachine`` and on a plain model of PROTOCOL.md §7.2 and §7.3
/// beside it; a failed `precondition` is the finding.
///
/// The first byte picks the role and whether zstd was advertised; each following byte is one event (its low 4 bits)
/// and that event's flags (the high bits). Checked after every event: a violation (by the model) always yields a
/// stream or connection error, and nothing else does; a stream error leaves the stream closed; a closed stream stays
/// closed, accepts nothing and sends nothing; the machine's ended sides agree with the model's.
func fuzzStreamStates(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let role: StreamStateMachine.Role = first & 1 == 0 ? .client : .server
    var machine = StreamStateMachine(role: role, acceptsCompression: first & 2 != 0)
    var model = StreamModel(role: role, acceptsCompression: first & 2 != 0)
    for byte in bytes.dropFirst() {
        let wasClosed = machine.isClosed
        let flags = byte >> 4
        switch byte & 0x0F {
        case 0: check(machine.receivedHeaders(), model.receivedHeaders(), wasClosed: wasClosed, machine)
        case 1:
            let (endMessage, endStream, compressed, empty) = (
                flags & 1 != 0, flags & 2 != 0, flags & 4 != 0, flags & 8 != 0
            )
            let action = machine.receivedData(
                endMessage: endMessage,
                endStream: endStream,
                isCompressed: compressed,
                isEmpty: empty
            )
            let expected = model.receivedData(
                endMessage: endMessage,
                endStream: endStream,
                isCompressed: compressed,
                isEmpty: empty
            )
            check(action, expected, wasClosed: wasClosed, machine)
            // The handler reports END_STREAM only for an accepted frame.
            if endStream, action == .accept {
                check(machine.receivedEndStream(), model.receivedEndStream(), wasClosed: false, machine)
            }
        case 2: check(machine.receivedTrailers(), model.receivedTrailers(), wasClosed: wasClosed, machine)
        case 3: check(machine.receivedCancel(), model.receivedCancel(), wasClosed: wasClosed, machine)
        case 4: check(machine.sendHeaders(), model.sendHeaders(), wasClosed: wasClosed)
        case 5:
            check(
                machine.sendData(endStream: flags & 1 != 0),
                model.sendData(endStream: flags & 1 != 0),
                wasClosed: wasClosed
            )
        case 6: check(machine.sendTrailers(), model.sendTrailers(), wasClosed: wasClosed)
        case 7:
            let finishes = machine.wroteTrailers()
            precondition(finishes == model.wroteTrailers(), "wroteTrailers: inbound finishing disagrees")
        case 8: check(machine.cancel(), model.cancel(), wasClosed: wasClosed)
        case 9: check(machine.deadlinePassed(), model.deadlinePassed(), wasClosed: wasClosed)
        case 10:
            machine.failed()
            model.failed()
        default:
            continue
        }
        precondition(!wasClosed || machine.isClosed, "a closed stream was reopened: \(machine.state)")
        precondition(machine.isClosed == model.closed, "closed: machine \(machine.state), model \(model)")
        if !model.closed {
            precondition(machine.isLocalEnded == model.localEnded, "local end: \(machine.state), \(model)")
            precondition(machine.isRemoteEnded == model.remoteEnded, "remote end: \(machine.state), \(model)")
        }
    }
}

private func check(
    _ action: StreamStateMachine.ReceiveAction,
    _ expected: StreamModel.Outcome,
    wasClosed: Bool,
    _ machine: StreamStateMachine
) {
    switch (action, expected) {
    case (.accept, .accept), (.discard, .discard), (.connectionError, .connectionError):
        break
    case (.resetStream, .resetStream):
        precondition(machine.isClosed, "a stream error left the stream \(machine.state)")
    default:
        preconditionFailure("\(action), the model expected \(expected) (state \(machine.state))")
    }
    if wasClosed {
        precondition(action != .accept, "a closed stream accepted a frame")
        if case .resetStream = action { preconditionFailure("a closed stream was reset again") }
    }
}

private func check(_ action: StreamStateMachine.SendAction, _ expected: Bool, wasClosed: Bool) {
    precondition((action == .send) == expected, "sent \(action), the model expected send: \(expected)")
    precondition(!wasClosed || action == .ignore, "a closed stream sent a frame")
}

/// PROTOCOL.md §7.2 and §7.3 for one stream as flags, written apart from the machine (as the handler's checks once were).
struct StreamModel: CustomStringConvertible {
    enum Outcome { case accept, discard, resetStream, connectionError }

    let role: StreamStateMachine.Role
    let acceptsCompression: Bool
    var opened = false
    var closed = false
    var localEnded = false
    var remoteEnded = false
    var headDone = false
    var hasMessage = false
    var insideMessage = false
    var messageCompressed = false

    init(role: StreamStateMachine.Role, acceptsCompression: Bool) {
        self.role = role
        self.acceptsCompression = acceptsCompression
    }

    var description: String {
        "opened \(self.opened) closed \(self.closed) local \(self.localEnded) remote \(self.remoteEnded)"
    }

    private mutating func reset() -> Outcome {
        self.closed = true
        return .resetStream
    }

    mutating func receivedHeaders() -> Outcome {
        if self.closed { return .discard }
        if !self.opened {
            guard self.role == .server else { return .connectionError }
            self.opened = true
            return .accept
        }
        if self.role == .server || self.headDone || self.hasMessage {
            return self.reset()
        }
        self.headDone = true
        return .accept
    }

    mutating func receivedData(endMessage: Bool, endStream: Bool, isCompressed: Bool, isEmpty: Bool) -> Outcome {
        if !self.opened { return .connectionError }
        if self.closed { return .discard }
        if self.remoteEnded { return self.reset() }
        if self.role == .server, self.localEnded { return .discard }
        if isCompressed, !self.acceptsCompression { return self.reset() }
        if self.role == .client, endStream { return .connectionError }
        if self.insideMessage, isCompressed != self.messageCompressed { return self.reset() }
        if !isEmpty || endMessage {
            if !self.insideMessage { self.messageCompressed = isCompressed }
            self.insideMessage = !endMessage
            if endMessage { self.hasMessage = true }
        }
        return .accept
    }

    mutating func receivedEndStream() -> Outcome {
        // Only after an accepted DATA from a client, so the stream is open on the server.
        self.remoteEnded = true
        return self.insideMessage ? self.reset() : .accept
    }

    mutating func receivedTrailers() -> Outcome {
        if self.role == .server { return .connectionError }
        if !self.opened { return .connectionError }
        if self.closed { return .discard }
        self.closed = true
        return .accept
    }

    mutating func receivedCancel() -> Outcome {
        if !self.opened || self.closed { return .discard }
        self.closed = true
        return .accept
    }

    mutating func sendHeaders() -> Bool {
        if self.closed { return false }
        if self.role == .client {
            guard !self.opened else { return false }
            self.opened = true
            return true
        }
        guard self.opened, !self.localEnded, !self.headDone else { return false }
        self.headDone = true
        return true
    }

    mutating func sendData(endStream: Bool) -> Bool {
        guard self.opened, !self.closed, !self.localEnded else { return false }
        if endStream { self.localEnded = true }
        return true
    }

    mutating func sendTrailers() -> Bool {
        guard self.role == .server, self.opened, !self.closed, !self.localEnded else { return false }
        self.localEnded = true
        return true
    }

    mutating func wroteTrailers() -> Bool {
        let finishes = !self.closed && self.opened && !self.remoteEnded
        self.closed = true
        self.opened = true
        return finishes
    }

    mutating func cancel() -> Bool {
        guard self.opened, !self.closed else { return false }
        self.closed = true
        return true
    }

    mutating func deadlinePassed() -> Bool {
        let owed = self.opened && !self.closed && !self.localEnded
        self.closed = true
        self.opened = true
        return owed
    }

    mutating func failed() {
        self.closed = true
        self.opened = true
    }
}

@main
struct StateFuzzer {
    static func main() {
        FuzzMain.run(harness: fuzzStreamStates)
    }
}

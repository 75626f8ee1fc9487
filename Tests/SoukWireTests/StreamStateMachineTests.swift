import SoukWire
import Testing

/// The stream state machine alone, as a plain value: every transition of PROTOCOL.md §7.2 and every stream
/// violation of §7.3 and §16.3 it decides.
@Suite("Stream state machine")
struct StreamStateMachineTests {
    typealias Machine = StreamStateMachine

    static let internalError = StreamFailure.internal

    /// A stream of `role` brought to `state` by events alone.
    enum Start: String, CaseIterable, CustomTestStringConvertible {
        case clientOpen, clientHalfClosedLocal, serverOpen, serverHalfClosedLocal, serverHalfClosedRemote
        case serverClosing

        var testDescription: String { self.rawValue }

        func make(acceptsCompression: Bool = false) -> Machine {
            switch self {
            case .clientOpen:
                var machine = Machine(role: .client, acceptsCompression: acceptsCompression)
                _ = machine.sendHeaders()
                return machine
            case .clientHalfClosedLocal:
                var machine = Start.clientOpen.make(acceptsCompression: acceptsCompression)
                _ = machine.sendData(endStream: true)
                return machine
            case .serverOpen:
                var machine = Machine(role: .server, acceptsCompression: acceptsCompression)
                _ = machine.receivedHeaders()
                return machine
            case .serverHalfClosedLocal:
                var machine = Start.serverOpen.make(acceptsCompression: acceptsCompression)
                _ = machine.sendTrailers()
                return machine
            case .serverHalfClosedRemote:
                var machine = Start.serverOpen.make(acceptsCompression: acceptsCompression)
                _ = machine.receivedEndStream()
                return machine
            case .serverClosing:
                var machine = Start.serverHalfClosedRemote.make(acceptsCompression: acceptsCompression)
                _ = machine.sendTrailers()
                return machine
            }
        }
    }

    // MARK: - Opening (§7.2 idle)

    @Test("§7.2: the client's HEADERS open an idle stream; a second one is not sent")
    func clientOpens() {
        var machine = Machine(role: .client, acceptsCompression: false)
        #expect(machine.state == .idle)
        #expect(machine.sendHeaders() == .send)
        #expect(machine.state == .open(.init()))
        #expect(machine.sendHeaders() == .ignore)
        #expect(machine.state == .open(.init()))
    }

    @Test("§7.2: received HEADERS open an idle server stream; END_STREAM on them half-closes it (remote)")
    func serverOpens() {
        var machine = Machine(role: .server, acceptsCompression: false)
        #expect(machine.receivedHeaders() == .accept)
        #expect(machine.state == .open(.init()))
        #expect(machine.receivedEndStream() == .accept)
        #expect(machine.state == .halfClosedRemote(.init()))
        #expect(machine.isRemoteEnded)
        #expect(!machine.isLocalEnded)
    }

    @Test("§7.1: DATA, TRAILERS and a server's HEADERS on an idle stream are connection errors PROTOCOL_ERROR")
    func idleViolations() {
        var client = Machine(role: .client, acceptsCompression: false)
        #expect(client.receivedHeaders().isProtocolError)
        #expect(
            client.receivedData(endMessage: true, endStream: false, isCompressed: false, isEmpty: false)
                .isProtocolError
        )
        #expect(client.receivedTrailers().isProtocolError)
        #expect(client.receivedEndStream().isProtocolError)
        var server = Machine(role: .server, acceptsCompression: false)
        #expect(
            server.receivedData(endMessage: true, endStream: false, isCompressed: false, isEmpty: false)
                .isProtocolError
        )
        #expect(client.state == .idle)
        #expect(server.state == .idle)
    }

    @Test("§7.1: CANCEL on an idle stream is discarded; nothing is sent on one but the client's HEADERS")
    func idleDiscards() {
        for role in [Machine.Role.client, .server] {
            var machine = Machine(role: role, acceptsCompression: false)
            #expect(machine.receivedCancel() == .discard)
            #expect(machine.sendData(endStream: false) == .ignore)
            #expect(machine.sendTrailers() == .ignore)
            #expect(machine.cancel() == .ignore)
            #expect(machine.state == .idle)
        }
    }

    // MARK: - Open and half-closed (§7.2)

    @Test("§7.2: the client's END_STREAM half-closes its side (local); it sends no more DATA")
    func clientHalfCloses() {
        var machine = Start.clientOpen.make()
        #expect(machine.sendData(endStream: false) == .send)
        #expect(machine.sendData(endStream: true) == .send)
        #expect(machine.state == .halfClosedLocal(.init()))
        #expect(machine.isLocalEnded)
        #expect(machine.sendData(endStream: false) == .ignore)
        #expect(machine.sendData(endStream: true) == .ignore)
        #expect(machine.state == .halfClosedLocal(.init()))
    }

    @Test("§7.2: the response goes awaiting head -> head -> messages on the client, and the client is told each")
    func clientResponse() {
        var machine = Start.clientHalfClosedLocal.make()
        #expect(machine.receivedHeaders() == .accept)
        #expect(
            machine.receivedData(endMessage: false, endStream: false, isCompressed: false, isEmpty: false) == .accept
        )
        #expect(
            machine.receivedData(endMessage: true, endStream: false, isCompressed: false, isEmpty: false) == .accept
        )
        var progress = Machine.Progress()
        progress.isHeadDone = true
        progress.hasMessage = true
        #expect(machine.state == .halfClosedLocal(progress))
    }

    @Test("§7.2: DATA may come without HEADERS before it (empty initial metadata)")
    func dataWithoutHead() {
        var machine = Start.clientOpen.make()
        #expect(machine.receivedData(endMessage: true, endStream: false, isCompressed: false, isEmpty: true) == .accept)
        var progress = Machine.Progress()
        progress.hasMessage = true
        #expect(machine.state == .open(progress))
    }

    @Test("§7.2: TRAILERS received close the client's stream", arguments: [Start.clientOpen, .clientHalfClosedLocal])
    func clientTrailers(start: Start) {
        var machine = start.make()
        #expect(machine.receivedTrailers() == .accept)
        #expect(machine.state == .closed)
    }

    @Test("§7.2: the server's response head is sent once, also after the client's END_STREAM")
    func serverHead() {
        var open = Start.serverOpen.make()
        #expect(open.sendHeaders() == .send)
        #expect(open.sendHeaders() == .ignore)
        var halfClosed = Start.serverHalfClosedRemote.make()
        #expect(halfClosed.sendHeaders() == .send)
        #expect(halfClosed.sendHeaders() == .ignore)
        var progress = Machine.Progress()
        progress.isHeadDone = true
        #expect(halfClosed.state == .halfClosedRemote(progress))
        var ended = Start.serverHalfClosedLocal.make()
        #expect(ended.sendHeaders() == .ignore)
    }

    @Test("§7.2: queued TRAILERS end the server's side; once written the stream is closed and the request ended")
    func serverTrailersBeforeEndStream() {
        var machine = Start.serverOpen.make()
        #expect(machine.sendData(endStream: false) == .send)
        #expect(machine.sendTrailers() == .send)
        #expect(machine.state == .halfClosedLocal(.init()))
        #expect(machine.sendTrailers() == .ignore)
        #expect(machine.sendData(endStream: false) == .ignore)
        #expect(machine.wroteTrailers() == true)
        #expect(machine.state == .closed)
    }

    @Test("§7.2: TRAILERS after the client's END_STREAM: closing, then closed with the request already ended")
    func serverTrailersAfterEndStream() {
        var machine = Start.serverHalfClosedRemote.make()
        #expect(machine.sendData(endStream: false) == .send)
        #expect(machine.sendTrailers() == .send)
        #expect(machine.state == .closing)
        #expect(machine.sendTrailers() == .ignore)
        #expect(machine.wroteTrailers() == false)
        #expect(machine.state == .closed)
    }

    @Test("§7.2: a server that has answered discards what the client still sends", arguments: [false, true])
    func serverDiscardsAfterAnswer(endStream: Bool) {
        var machine = Start.serverHalfClosedLocal.make()
        #expect(
            machine.receivedData(endMessage: true, endStream: endStream, isCompressed: false, isEmpty: false)
                == .discard
        )
        #expect(machine.state == .halfClosedLocal(.init()))
    }

    @Test("§7.2: CANCEL received closes the stream from every live state", arguments: Start.allCases)
    func receivedCancel(start: Start) {
        var machine = start.make()
        #expect(machine.receivedCancel() == .accept)
        #expect(machine.state == .closed)
    }

    @Test("§7.2: CANCEL sent closes the stream from every live state", arguments: Start.allCases)
    func sentCancel(start: Start) {
        var machine = start.make()
        #expect(machine.cancel() == .send)
        #expect(machine.state == .closed)
    }

    @Test(
        "§16.1, §15: a failure (reset, GOAWAY refusal, connection loss) closes every live state",
        arguments: Start.allCases
    )
    func failure(start: Start) {
        var machine = start.make()
        machine.failed()
        #expect(machine.isClosed)
    }

    @Test("§10: a passed deadline closes the stream; TRAILERS are owed only while this side has not ended")
    func deadline() {
        let owed: [Start: Machine.SendAction] = [
            .clientOpen: .send, .clientHalfClosedLocal: .ignore, .serverOpen: .send,
            .serverHalfClosedRemote: .send, .serverHalfClosedLocal: .ignore, .serverClosing: .ignore,
        ]
        for (start, expected) in owed {
            var machine = start.make()
            #expect(machine.deadlinePassed() == expected, "\(start)")
            #expect(machine.state == .closed)
        }
    }

    // MARK: - Closed (§7.1: every frame on a closed stream is discarded)

    @Test(
        "§7.1: a closed stream stays closed; what arrives is discarded and nothing more is sent",
        arguments: Start.allCases
    )
    func closedStaysClosed(start: Start) {
        var machine = start.make()
        _ = machine.cancel()
        #expect(machine.receivedHeaders() == .discard)
        #expect(
            machine.receivedData(endMessage: true, endStream: false, isCompressed: true, isEmpty: false) == .discard
        )
        #expect(machine.receivedEndStream() == .discard)
        #expect(machine.receivedCancel() == .discard)
        if machine.role == .client { #expect(machine.receivedTrailers() == .discard) }
        #expect(machine.sendHeaders() == .ignore)
        #expect(machine.sendData(endStream: true) == .ignore)
        #expect(machine.sendTrailers() == .ignore)
        #expect(machine.cancel() == .ignore)
        #expect(machine.deadlinePassed() == .ignore)
        #expect(machine.state == .closed)
    }

    // MARK: - Violations (§7.3, §16.3)

    @Test(
        "§7.3, §16.3 #17: client DATA after its END_STREAM is a stream error INTERNAL",
        arguments: [
            Start.serverHalfClosedRemote, .serverClosing,
        ]
    )
    func dataAfterEndStream(start: Start) {
        var machine = start.make()
        #expect(
            machine.receivedData(endMessage: true, endStream: false, isCompressed: false, isEmpty: false)
                == .resetStream(StreamFailure(code: Self.internalError, message: "DATA after the end of the stream"))
        )
        #expect(machine.state == .closed)
    }

    @Test("§7.3, §16.3 #18: a second server HEADERS, or one after DATA, is a stream error INTERNAL")
    func secondResponseHead() {
        let reset = Machine.ReceiveAction.resetStream(
            StreamFailure(code: Self.internalError, message: "HEADERS after the response started")
        )
        var twice = Start.clientOpen.make()
        #expect(twice.receivedHeaders() == .accept)
        #expect(twice.receivedHeaders() == reset)
        #expect(twice.state == .closed)
        var afterData = Start.clientHalfClosedLocal.make()
        #expect(
            afterData.receivedData(endMessage: true, endStream: false, isCompressed: false, isEmpty: false) == .accept
        )
        #expect(afterData.receivedHeaders() == reset)
        #expect(afterData.state == .closed)
    }

    @Test(
        "§16.3 #18: HEADERS from the client on a stream it already opened is a stream error INTERNAL",
        arguments: [
            Start.serverOpen, .serverHalfClosedLocal, .serverHalfClosedRemote, .serverClosing,
        ]
    )
    func secondRequestHead(start: Start) {
        var machine = start.make()
        #expect(
            machine.receivedHeaders()
                == .resetStream(StreamFailure(code: Self.internalError, message: "second HEADERS on a stream"))
        )
        #expect(machine.state == .closed)
    }

    @Test(
        "§7.3, §16.3 #19: TRAILERS from a client is a connection error PROTOCOL_ERROR",
        arguments: [
            Start.serverOpen, .serverHalfClosedLocal, .serverHalfClosedRemote, .serverClosing,
        ]
    )
    func trailersFromClient(start: Start) {
        var machine = start.make()
        #expect(machine.receivedTrailers() == .connectionError(.connection(.protocolError, "TRAILERS from a client")))
    }

    @Test(
        "§7.3, §16.3 #19: END_STREAM from a server is a connection error PROTOCOL_ERROR",
        arguments: [
            Start.clientOpen, .clientHalfClosedLocal,
        ]
    )
    func endStreamFromServer(start: Start) {
        var machine = start.make()
        let error = Machine.ReceiveAction.connectionError(.connection(.protocolError, "END_STREAM from a server"))
        #expect(machine.receivedData(endMessage: true, endStream: true, isCompressed: false, isEmpty: false) == error)
        #expect(machine.receivedEndStream() == error)
    }

    @Test(
        "§12, §16.3 #24: COMPRESSED without negotiated zstd is a stream error INTERNAL; with it, a message",
        arguments: [
            Start.clientOpen, .serverOpen,
        ]
    )
    func compressedWithoutNegotiation(start: Start) {
        var refused = start.make(acceptsCompression: false)
        #expect(
            refused.receivedData(endMessage: true, endStream: false, isCompressed: true, isEmpty: false)
                == .resetStream(
                    StreamFailure(code: Self.internalError, message: "compressed message without negotiation")
                )
        )
        #expect(refused.state == .closed)
        var accepted = start.make(acceptsCompression: true)
        #expect(
            accepted.receivedData(endMessage: true, endStream: false, isCompressed: true, isEmpty: false) == .accept
        )
    }

    @Test(
        "§5.1: fragments of one message that disagree on COMPRESSED are a stream error INTERNAL, either way round",
        arguments: [
            (Start.clientOpen, true), (.clientOpen, false), (.serverOpen, true), (.serverOpen, false),
        ]
    )
    func fragmentsDisagreeOnCompression(start: Start, firstIsCompressed: Bool) {
        var machine = start.make(acceptsCompression: true)
        #expect(
            machine.receivedData(endMessage: false, endStream: false, isCompressed: firstIsCompressed, isEmpty: false)
                == .accept
        )
        #expect(
            machine.receivedData(endMessage: true, endStream: false, isCompressed: !firstIsCompressed, isEmpty: false)
                == .resetStream(
                    StreamFailure(
                        code: Self.internalError,
                        message: "the fragments of a message disagree on COMPRESSED"
                    )
                )
        )
        #expect(machine.state == .closed)
    }

    @Test("§5.1: fragments that agree make one message, and the next message may differ", arguments: [true, false])
    func fragmentsAgreeOnCompression(firstIsCompressed: Bool) {
        var machine = Start.serverOpen.make(acceptsCompression: true)
        for isEnd in [false, false, true] {
            #expect(
                machine.receivedData(
                    endMessage: isEnd,
                    endStream: false,
                    isCompressed: firstIsCompressed,
                    isEmpty: false
                )
                    == .accept
            )
        }
        #expect(
            machine.receivedData(endMessage: true, endStream: false, isCompressed: !firstIsCompressed, isEmpty: false)
                == .accept
        )
        #expect(machine.state != .closed)
    }

    @Test("§16.3 #25: END_STREAM inside an incomplete message is a stream error INTERNAL")
    func endStreamInsideMessage() {
        var machine = Start.serverOpen.make()
        #expect(
            machine.receivedData(endMessage: false, endStream: true, isCompressed: false, isEmpty: false) == .accept
        )
        #expect(
            machine.receivedEndStream()
                == .resetStream(StreamFailure(code: Self.internalError, message: "stream ended inside a message"))
        )
        #expect(machine.state == .closed)
    }

    @Test("§5.1: an empty fragment neither starts nor ends a message, so END_STREAM on it is clean")
    func emptyFragment() {
        var clean = Start.serverOpen.make()
        #expect(clean.receivedData(endMessage: false, endStream: true, isCompressed: false, isEmpty: true) == .accept)
        #expect(clean.receivedEndStream() == .accept)
        #expect(clean.state == .halfClosedRemote(.init()))
        var inside = Start.serverOpen.make()
        _ = inside.receivedData(endMessage: false, endStream: false, isCompressed: false, isEmpty: false)
        #expect(inside.receivedData(endMessage: false, endStream: true, isCompressed: false, isEmpty: true) == .accept)
        #expect(inside.receivedEndStream() != .accept)
    }
}

extension StreamStateMachine.ReceiveAction {
    fileprivate var isProtocolError: Bool {
        if case .connectionError(let error) = self, error.scope == .connection(.protocolError) { return true }
        return false
    }
}

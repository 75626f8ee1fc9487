import NIOCore
import SoukWire
import Testing

/// The connection state machine alone, as a plain value: the handshake of PROTOCOL.md §3, the id rules of §7.1, the
/// refusals of §7.4 and §15, GOAWAY and the drain of §15, PING policing of §14, and every connection-level violation
/// row of §16.3 it decides.
@Suite("Connection state machine")
struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine

    /// A connection whose handshake is done: the peer's preface and SETTINGS arrived.
    static func ready(_ role: Machine.Role, settings: Settings = Settings()) -> Machine {
        var machine = Machine(role: role, settings: settings)
        _ = machine.receivedPreface(majorVersion: 1)
        _ = machine.receive(.settings)
        machine.appliedSettings()
        return machine
    }

    /// A server holding a stream for each id in `ids` (opened in order).
    static func server(openStreams ids: [UInt32], settings: Settings = Settings()) -> Machine {
        var machine = Self.ready(.server, settings: settings)
        for id in ids {
            #expect(machine.receive(.headers, stream: id) == .openStream)
            machine.streamOpened()
        }
        return machine
    }

    // MARK: - Handshake (§3)

    @Test("§3: the server answers a preface of its major version with its own preface and SETTINGS")
    func serverHandshake() {
        var machine = Machine(role: .server, settings: Settings())
        #expect(machine.handshake == .awaitingPreface)
        #expect(machine.receivedPreface(majorVersion: 1) == .sendPrefaceAndSettings)
        #expect(machine.handshake == .awaitingSettings)
        #expect(machine.receive(.settings) == .applySettings(isFirst: true))
        #expect(machine.appliedSettings() == true)
        #expect(machine.handshake == .ready)
        // Later SETTINGS are applied as later ones (§6): CONNECTION_WINDOW is ignored in them.
        #expect(machine.receive(.settings) == .applySettings(isFirst: false))
        #expect(machine.appliedSettings() == false)
    }

    @Test("§3: the client may open streams only once the server's preface and SETTINGS have arrived")
    func clientReadiness() {
        var machine = Machine(role: .client, settings: Settings())
        #expect(!machine.mayOpenStream(peerMaxConcurrentStreams: 1_000))
        #expect(!machine.acceptsNewStreams)
        #expect(machine.receivedPreface(majorVersion: 1) == .accept)
        #expect(!machine.mayOpenStream(peerMaxConcurrentStreams: 1_000))
        #expect(machine.receive(.settings) == .applySettings(isFirst: true))
        #expect(!machine.isReady)
        #expect(machine.appliedSettings() == true)
        #expect(machine.isReady)
        #expect(machine.acceptsNewStreams)
        #expect(machine.mayOpenStream(peerMaxConcurrentStreams: 1_000))
    }

    @Test("§3: SETTINGS that fail to apply leave the handshake waiting for the first SETTINGS")
    func settingsNotApplied() {
        var machine = Machine(role: .client, settings: Settings())
        _ = machine.receivedPreface(majorVersion: 1)
        #expect(machine.receive(.settings) == .applySettings(isFirst: true))
        // The handler's Settings.apply threw (§16.3 #10): appliedSettings() is never reported.
        #expect(machine.receive(.settings) == .applySettings(isFirst: true))
        #expect(!machine.isReady)
    }

    @Test("§3 step 3, §16.3 #2: another major version gets the server's preface, then GOAWAY(0, VERSION_UNSUPPORTED)")
    func serverRefusesVersion() {
        var machine = Machine(role: .server, settings: Settings())
        let action = machine.receivedPreface(majorVersion: 2)
        #expect(action == .refuseVersion(.connection(.versionUnsupported, "server speaks SWP/1.0")))
        #expect(machine.connectionError(.versionUnsupported) == .sendGoAwayAndClose(lastStreamID: 0))
    }

    @Test("§3: a client given another major version sends GOAWAY(0, VERSION_UNSUPPORTED) and closes")
    func clientRefusesVersion() {
        var machine = Machine(role: .client, settings: Settings())
        #expect(machine.receivedPreface(majorVersion: 0).errorCode == .versionUnsupported)
        #expect(machine.connectionError(.versionUnsupported) == .sendGoAwayAndClose(lastStreamID: 0))
    }

    @Test("§3: a second preface is a connection error PROTOCOL_ERROR", arguments: [Machine.Role.client, .server])
    func secondPreface(role: Machine.Role) {
        var machine = Self.ready(role)
        #expect(machine.receivedPreface(majorVersion: 1).errorCode == .protocolError)
    }

    @Test(
        "§3, §16.3 #1: a frame before the preface is PROTOCOL_ERROR; a server writes nothing then, a client GOAWAY",
        arguments: [Machine.Role.client, .server]
    )
    func frameBeforePreface(role: Machine.Role) {
        var machine = Machine(role: role, settings: Settings())
        #expect(machine.receive(.settings).errorCode == .protocolError)
        #expect(machine.receive(.data, stream: 1).errorCode == .protocolError)
        let expected: Machine.ConnectionErrorAction = role == .server ? .close : .sendGoAwayAndClose(lastStreamID: 0)
        #expect(machine.connectionError(.protocolError) == expected)
    }

    @Test(
        "§3, §16.3 #3: the first frame after the preface must be SETTINGS (an unknown type is still discarded)",
        arguments: [FrameType.data, .headers, .trailers, .cancel, .ping, .goAway, .windowUpdate]
    )
    func firstFrameMustBeSettings(type: FrameType) {
        // §3 lets a server's first frame be GOAWAY instead (the client's side of that is the next test).
        for role in [Machine.Role.client, .server] where !(role == .client && type == .goAway) {
            var machine = Machine(role: role, settings: Settings())
            _ = machine.receivedPreface(majorVersion: 1)
            #expect(
                machine.receivedFrame(type: 0x2A, flags: 0, streamID: 0, payloadLength: 3, isStreamOpen: false)
                    == .discard
            )
            let action = machine.receive(type, stream: type == .data || type == .headers ? 1 : 0)
            #expect(action == .connectionError(.connection(.protocolError, "the first frame must be SETTINGS")))
            #expect(machine.connectionError(.protocolError) == .sendGoAwayAndClose(lastStreamID: 0))
        }
    }

    @Test("§3 step 3: the server's first frame may be GOAWAY; the client takes it as the connection going away")
    func goAwayAsServersFirstFrame() {
        var machine = Machine(role: .client, settings: Settings())
        _ = machine.receivedPreface(majorVersion: 1)
        #expect(machine.receive(.goAway) == .goAway)
        #expect(
            machine.receivedGoAway(lastStreamID: 0, code: WireErrorCode.versionUnsupported.rawValue)
                == .init(failStreamsAbove: 0, then: .closeWithError)
        )
        #expect(!machine.mayOpenStream(peerMaxConcurrentStreams: 1_000))
    }

    @Test("§3, §16.3 #4: the SETTINGS timer ends a connection whose peer's SETTINGS are missing, and nothing else")
    func settingsTimer() {
        for role in [Machine.Role.client, .server] {
            var waiting = Machine(role: role, settings: Settings())
            #expect(waiting.settingsTimerFired())
            _ = waiting.receivedPreface(majorVersion: 1)
            #expect(waiting.settingsTimerFired())
            #expect(!Self.ready(role).settingsTimerFired())
            _ = waiting.closed()
            #expect(!waiting.settingsTimerFired())
        }
    }

    @Test("§5.5: a SETTINGS ACK is not the peer's SETTINGS: it is dropped and the first SETTINGS is still awaited")
    func settingsAckFirst() {
        var machine = Machine(role: .client, settings: Settings())
        _ = machine.receivedPreface(majorVersion: 1)
        #expect(machine.receive(.settings, flags: FrameFlags.ack) == .discard)
        #expect(machine.handshake == .awaitingSettings)
        #expect(machine.receive(.ping).errorCode == .protocolError)
    }

    // MARK: - Frames and stream 0 (§5, §16.3 #7, #8, #9)

    @Test("§5, §16.3 #7: an unknown frame type is discarded", arguments: [Machine.Role.client, .server])
    func unknownType(role: Machine.Role) {
        var machine = Self.ready(role)
        for type in [UInt8(0x08), 0x2A, 0xFF] {
            #expect(
                machine.receivedFrame(type: type, flags: 0xFF, streamID: 7, payloadLength: 9, isStreamOpen: false)
                    == .discard
            )
        }
        #expect(machine.lastStreamID == 0)
    }

    @Test(
        "§5, §16.3 #8: SETTINGS, PING and GOAWAY on a stream are connection errors PROTOCOL_ERROR",
        arguments: [FrameType.settings, .ping, .goAway]
    )
    func controlFrameOnStream(type: FrameType) {
        for role in [Machine.Role.client, .server] {
            var machine = Self.ready(role)
            #expect(machine.receive(type, stream: 1).errorCode == .protocolError)
            #expect(machine.receive(type, stream: 1, open: true).errorCode == .protocolError)
        }
    }

    @Test(
        "§5, §16.3 #8: DATA, HEADERS, TRAILERS and CANCEL on stream 0 are connection errors PROTOCOL_ERROR",
        arguments: [FrameType.data, .headers, .trailers, .cancel]
    )
    func streamFrameOnStreamZero(type: FrameType) {
        for role in [Machine.Role.client, .server] {
            var machine = Self.ready(role)
            #expect(
                machine.receive(type, stream: 0)
                    == .connectionError(.connection(.protocolError, "\(type) frame on stream 0"))
            )
        }
    }

    @Test("§5.5–§5.8, §16.3 #9: wrong fixed payload sizes of control frames are connection errors FRAME_SIZE_ERROR")
    func controlFrameSizes() {
        var machine = Self.ready(.server)
        #expect(machine.receive(.settings, flags: FrameFlags.ack, length: 6).errorCode == .frameSizeError)
        #expect(machine.receive(.ping, length: 7).errorCode == .frameSizeError)
        #expect(machine.receive(.ping, flags: FrameFlags.ack, length: 9).errorCode == .frameSizeError)
        #expect(machine.receive(.goAway, length: 7).errorCode == .frameSizeError)
        #expect(machine.receive(.windowUpdate, length: 3).errorCode == .frameSizeError)
        #expect(machine.receive(.windowUpdate, stream: 9, length: 5).errorCode == .frameSizeError)
        // The right sizes.
        #expect(machine.receive(.settings, flags: FrameFlags.ack) == .discard)
        #expect(machine.receive(.ping) == .ping)
        #expect(machine.receive(.ping, flags: FrameFlags.ack) == .pingAck)
        #expect(machine.receive(.goAway, length: 20) == .goAway)
        #expect(machine.receive(.windowUpdate) == .connectionWindowUpdate)
    }

    // MARK: - Stream ids (§7.1, §16.3 #13–#16, #19)

    @Test("§7.1: the server opens odd, increasing ids, skipping is allowed; lastStreamID follows")
    func serverOpensStreams() {
        var machine = Self.ready(.server)
        #expect(machine.receive(.headers, stream: 1) == .openStream)
        machine.streamOpened()
        #expect(machine.lastStreamID == 1)
        #expect(machine.receive(.headers, stream: 7) == .openStream)
        machine.streamOpened()
        #expect(machine.lastStreamID == 7)
        #expect(machine.openStreams == 2)
    }

    @Test("§7.1, §16.3 #13: client HEADERS with an even id, or an id not above the highest opened, are PROTOCOL_ERROR")
    func serverRefusesBadIDs() {
        var machine = Self.server(openStreams: [5])
        for id: UInt32 in [2, 6, 1, 3, 5] {
            #expect(
                machine.receive(.headers, stream: id)
                    == .connectionError(.connection(.protocolError, "stream id \(id) is even or not increasing"))
            )
        }
        #expect(machine.lastStreamID == 5)
        #expect(machine.connectionError(.protocolError) == .sendGoAwayAndClose(lastStreamID: 5))
    }

    @Test("§7.1, §16.3 #13: a client HEADERS on a stream still open reuses its id: PROTOCOL_ERROR")
    func headersOnOpenStream() {
        var machine = Self.server(openStreams: [1, 3])
        #expect(
            machine.receive(.headers, stream: 3, open: true)
                == .connectionError(.connection(.protocolError, "HEADERS for stream 3, which is already open"))
        )
    }

    @Test("§7.1: the client takes odd, strictly increasing ids from 1")
    func clientIDs() {
        var machine = Self.ready(.client)
        #expect(machine.nextStreamID() == 1)
        #expect(machine.nextStreamID() == 3)
        #expect(machine.nextStreamID() == 5)
        #expect(machine.lastStreamID == 5)
    }

    @Test(
        "§7.1, §16.3 #14: DATA, TRAILERS or a server's HEADERS on a never-opened id are PROTOCOL_ERROR",
        arguments: [Machine.Role.client, .server]
    )
    func neverOpened(role: Machine.Role) {
        var machine = Self.ready(role)
        if role == .client { _ = machine.nextStreamID() } else { _ = machine.receive(.headers, stream: 1) }
        var types: [FrameType] = [.data]
        if role == .client { types += [.headers, .trailers] }
        for type in types {
            #expect(
                machine.receive(type, stream: 3)
                    == .connectionError(
                        .connection(.protocolError, "\(type) frame for stream 3, which was never opened")
                    )
            )
        }
    }

    @Test(
        "§7.1, §16.3 #15: WINDOW_UPDATE and CANCEL on a never-opened id are discarded",
        arguments: [Machine.Role.client, .server]
    )
    func neverOpenedDiscards(role: Machine.Role) {
        var machine = Self.ready(role)
        #expect(machine.receive(.cancel, stream: 9) == .discard)
        #expect(machine.receive(.windowUpdate, stream: 9) == .discard)
        #expect(machine.receive(.cancel, stream: 4) == .discard)
        #expect(machine.lastStreamID == 0)
    }

    @Test(
        "§7.1, §16.3 #16: every frame on a closed stream is discarded (DATA still counts against the connection window)",
        arguments: [Machine.Role.client, .server]
    )
    func closedStream(role: Machine.Role) {
        // §7.1: an even id is idle whatever its size, never closed.
        var evenID = Self.server(openStreams: [3])
        #expect(evenID.receive(.data, stream: 2).errorCode == .protocolError)
        #expect(evenID.receive(.cancel, stream: 2) == .discard)
        var machine = Self.ready(role)
        if role == .client { _ = machine.nextStreamID() } else { _ = machine.receive(.headers, stream: 1) }
        #expect(machine.receive(.data, stream: 1) == .closedStreamFrame(.data))
        #expect(machine.receive(.cancel, stream: 1) == .closedStreamFrame(.cancel))
        #expect(machine.receive(.windowUpdate, stream: 1) == .discard)
        if role == .client {
            #expect(machine.receive(.headers, stream: 1) == .closedStreamFrame(.headers))
            #expect(machine.receive(.trailers, stream: 1) == .closedStreamFrame(.trailers))
        }
    }

    @Test("§7.1: frames for an open stream go to it", arguments: [FrameType.data, .cancel, .windowUpdate])
    func openStreamFrames(type: FrameType) {
        var machine = Self.server(openStreams: [1])
        #expect(machine.receive(type, stream: 1, open: true) == .streamFrame(type))
    }

    @Test("§7.3, §16.3 #19: TRAILERS from a client are PROTOCOL_ERROR, on any id")
    func trailersFromClient() {
        var machine = Self.server(openStreams: [1])
        for (id, open) in [(UInt32(1), true), (1, false), (3, false)] {
            #expect(
                machine.receive(.trailers, stream: id, open: open)
                    == .connectionError(.connection(.protocolError, "TRAILERS from a client"))
            )
        }
    }

    // MARK: - Concurrency (§7.4, §16.3 #26)

    @Test("§7.4, §16.3 #26: HEADERS beyond MAX_CONCURRENT_STREAMS get CANCEL(UNAVAILABLE); the id counts as opened")
    func serverConcurrencyLimit() {
        var settings = Settings()
        settings.maxConcurrentStreams = 2
        var machine = Self.server(openStreams: [1, 3], settings: settings)
        #expect(machine.receive(.headers, stream: 5) == .refuseStream(status: StreamFailure.unavailable))
        #expect(machine.lastStreamID == 5)
        #expect(machine.openStreams == 2)
        // The refused id is closed now (§7.1), and a reused one a violation.
        #expect(machine.receive(.data, stream: 5) == .closedStreamFrame(.data))
        #expect(machine.receive(.headers, stream: 5).errorCode == .protocolError)
        #expect(machine.streamClosed() == false)
        #expect(machine.receive(.headers, stream: 7) == .openStream)
    }

    @Test("§7.4: a client opens no more streams than the server's MAX_CONCURRENT_STREAMS")
    func clientConcurrencyLimit() {
        var machine = Self.ready(.client)
        #expect(!machine.mayOpenStream(peerMaxConcurrentStreams: 0))
        _ = machine.nextStreamID()
        machine.streamOpened()
        #expect(!machine.mayOpenStream(peerMaxConcurrentStreams: 1))
        #expect(machine.mayOpenStream(peerMaxConcurrentStreams: 2))
        #expect(machine.streamClosed() == false)
        #expect(machine.mayOpenStream(peerMaxConcurrentStreams: 1))
    }

    // MARK: - GOAWAY received (§15)

    @Test("§15: a client given GOAWAY(NO_ERROR) opens nothing more, fails the streams above its id, closes when idle")
    func clientReceivesGoAway() {
        var machine = Self.ready(.client)
        let action = machine.receivedGoAway(lastStreamID: 3, code: 0)
        #expect(action == .init(failStreamsAbove: 3, then: .closeIfIdle))
        #expect(machine.peerGoAwayLastStreamID == 3)
        #expect(!machine.acceptsNewStreams)
        #expect(!machine.mayOpenStream(peerMaxConcurrentStreams: 1_000))
        // §5.7: last_stream_id never increases; the lowest one stands.
        _ = machine.receivedGoAway(lastStreamID: 9, code: 0)
        #expect(machine.peerGoAwayLastStreamID == 3)
        _ = machine.receivedGoAway(lastStreamID: 1, code: 0)
        #expect(machine.peerGoAwayLastStreamID == 1)
    }

    @Test("§15: GOAWAY with an error code fails every stream and closes", arguments: [Machine.Role.client, .server])
    func goAwayWithError(role: Machine.Role) {
        var machine = Self.ready(role)
        #expect(
            machine.receivedGoAway(lastStreamID: 0x7FFF_FFFF, code: WireErrorCode.protocolError.rawValue)
                == .init(failStreamsAbove: role == .client ? 0x7FFF_FFFF : .max, then: .closeWithError)
        )
        #expect(machine.receivedGoAway(lastStreamID: 0, code: 0x99).then == .closeWithError)
    }

    @Test("§15: a server given the client's GOAWAY(0, NO_ERROR) fails nothing (it opened no stream) and stays open")
    func serverReceivesGoAway() {
        var machine = Self.server(openStreams: [1, 3])
        #expect(machine.receivedGoAway(lastStreamID: 0, code: 0) == .init(failStreamsAbove: .max, then: .none))
        #expect(machine.peerGoAwayLastStreamID == 0)
    }

    @Test("§15: a client's calls the server may have processed fail INTERNAL after an error GOAWAY, else UNAVAILABLE")
    func callStatusAfterConnectionError() {
        for code in [WireErrorCode.noError, .enhanceYourCalm] {
            #expect(Machine.callStatus(afterConnectionError: code.rawValue) == StreamFailure.unavailable)
        }
        for code in [WireErrorCode.protocolError, .internalError, .flowControlError, .settingsTimeout, .frameSizeError]
        {
            #expect(Machine.callStatus(afterConnectionError: code.rawValue) == StreamFailure.internal)
        }
        #expect(Machine.callStatus(afterConnectionError: 0xA) == StreamFailure.internal)  // unknown: INTERNAL_ERROR
    }

    // MARK: - Graceful drain (§15)

    @Test(
        "§15: the server's drain: GOAWAY(max) and PING, streams sent before the client saw it still run, the final GOAWAY names the last accepted on the ACK, later HEADERS are discarded, then close"
    )
    func gracefulDrain() {
        var settings = Settings()
        settings.maxConcurrentStreams = 3
        var machine = Self.server(openStreams: [1, 3], settings: settings)
        #expect(machine.beginGracefulShutdown(pingMarker: 42) == true)
        #expect(machine.drain == .awaitingPingAck(marker: 42))
        #expect(machine.beginGracefulShutdown(pingMarker: 43) == false)  // once
        // Before the ACK a stream may have left the client before it saw the first GOAWAY: it runs (step 2).
        #expect(machine.receive(.headers, stream: 5) == .openStream)
        machine.streamOpened()
        // Beyond MAX_CONCURRENT_STREAMS it is still refused, and not accepted.
        #expect(machine.receive(.headers, stream: 7) == .refuseStream(status: StreamFailure.unavailable))
        #expect(machine.receivedPingAck(marker: 7) == .none)  // not ours
        #expect(machine.receivedPingAck(marker: nil) == .none)
        #expect(machine.streamClosed() == false)  // before the ACK nothing closes
        #expect(machine.receivedPingAck(marker: 42) == .sendFinalGoAway(lastStreamID: 5, close: false))
        #expect(machine.drain == .finalGoAwaySent)
        #expect(machine.receivedPingAck(marker: 42) == .none)  // once
        // HEADERS above the final id are discarded (chosen), and the id counts as seen.
        #expect(machine.receive(.headers, stream: 9) == .discard)
        #expect(machine.receive(.data, stream: 9) == .closedStreamFrame(.data))
        #expect(machine.streamClosed() == false)
        #expect(machine.streamClosed() == true)  // the last stream gone: close
    }

    @Test("§15: a drain with no stream open closes as soon as the PING ACK arrives")
    func drainWhenIdle() {
        var machine = Self.ready(.server)
        #expect(machine.beginGracefulShutdown(pingMarker: 1) == true)
        #expect(machine.receivedPingAck(marker: 1) == .sendFinalGoAway(lastStreamID: 0, close: true))
    }

    @Test("§15: a closed connection does not begin a drain")
    func noDrainWhenClosed() {
        var machine = Self.ready(.server)
        #expect(machine.closed() == true)
        #expect(machine.beginGracefulShutdown(pingMarker: 1) == false)
        #expect(machine.drain == .none)
    }

    @Test("§15: a client closing when idle opens nothing more and closes after its last stream")
    func closeWhenIdle() {
        var machine = Self.ready(.client)
        #expect(machine.closeWhenIdle() == true)
        var busy = Self.ready(.client)
        _ = busy.nextStreamID()
        busy.streamOpened()
        #expect(busy.closeWhenIdle() == false)
        #expect(!busy.mayOpenStream(peerMaxConcurrentStreams: 1_000))
        #expect(busy.acceptsNewStreams)  // as before the extraction: only a GOAWAY or the close changes it
        #expect(busy.streamClosed() == true)
    }

    // MARK: - PING policing (§14, §16.3 #30)

    @Test("§14, §16.3 #30: a third PING within KEEPALIVE_MIN_INTERVAL_MS with no stream open is ENHANCE_YOUR_CALM")
    func pingPolicing() {
        var settings = Settings()
        settings.keepaliveMinimumIntervalMilliseconds = 1_000
        var machine = Self.ready(.server, settings: settings)
        #expect(machine.receivedPing(now: .ms(0)) == .answer)
        #expect(machine.receivedPing(now: .ms(100)) == .answer)
        #expect(
            machine.receivedPing(now: .ms(200)) == .connectionError(.connection(.enhanceYourCalm, "too many pings"))
        )
        // PINGs during a stream are not counted, and do not clear the count either.
        var across = Self.ready(.server, settings: settings)
        _ = across.receivedPing(now: .ms(0))
        _ = across.receivedPing(now: .ms(1))
        _ = across.receive(.headers, stream: 1)
        across.streamOpened()
        #expect(across.receivedPing(now: .ms(2)) == .answer)
        _ = across.streamClosed()
        #expect(across.receivedPing(now: .ms(3)).errorCode == .enhanceYourCalm)
    }

    @Test("§14: PINGs spaced by the minimum interval, or while a stream is open, are answered")
    func pingsTolerated() {
        var settings = Settings()
        settings.keepaliveMinimumIntervalMilliseconds = 1_000
        var spaced = Self.ready(.server, settings: settings)
        for second in 0..<10 {
            #expect(spaced.receivedPing(now: .ms(Int64(second) * 1_000)) == .answer)
        }
        // Two in any window of the interval are fine: the window slides (at 1,100 the PING at 0 has left it).
        var sliding = Self.ready(.server, settings: settings)
        for ms: Int64 in [0, 600, 1_100, 1_700, 2_200] {
            #expect(sliding.receivedPing(now: .ms(ms)) == .answer)
        }
        #expect(sliding.receivedPing(now: .ms(2_300)).errorCode == .enhanceYourCalm)
        var busy = Self.server(openStreams: [1], settings: settings)
        for ms in 0..<10 {
            #expect(busy.receivedPing(now: .ms(Int64(ms))) == .answer)
        }
    }

    @Test("§14: a client answers every PING; only servers police")
    func clientDoesNotPolice() {
        var settings = Settings()
        settings.keepaliveMinimumIntervalMilliseconds = 1_000_000
        var machine = Self.ready(.client, settings: settings)
        for ms in 0..<10 {
            #expect(machine.receivedPing(now: .ms(Int64(ms))) == .answer)
        }
    }

    // MARK: - Idle and closing (§14, §16.1, §16.3 #27)

    @Test("§14, §16.3 #27: the idle timer closes a connection that read nothing and holds no stream")
    func idleTimer() {
        var machine = Self.server(openStreams: [])
        #expect(machine.idleTimerFired(hasRead: true) == .reschedule)
        #expect(machine.idleTimerFired(hasRead: false) == .closeIdle(lastStreamID: 0))
        machine = Self.server(openStreams: [3])
        #expect(machine.idleTimerFired(hasRead: false) == .reschedule)
        #expect(machine.streamClosed() == false)
        #expect(machine.idleTimerFired(hasRead: false) == .closeIdle(lastStreamID: 3))
        #expect(machine.closed() == true)
        #expect(machine.idleTimerFired(hasRead: false) == .stop)
    }

    @Test("§16.1: a connection error sends GOAWAY naming the last stream once; a closed connection does nothing")
    func connectionErrors() {
        var machine = Self.server(openStreams: [1, 9])
        #expect(machine.connectionError(.flowControlError) == .sendGoAwayAndClose(lastStreamID: 9))
        #expect(machine.closed() == true)
        #expect(machine.closed() == false)
        #expect(machine.connectionError(.protocolError) == .none)
        #expect(!machine.acceptsNewStreams)
        // A client's GOAWAY names no stream (§15: 0 from a client).
        var client = Self.ready(.client)
        _ = client.nextStreamID()
        client.streamOpened()
        #expect(client.connectionError(.protocolError) == .sendGoAwayAndClose(lastStreamID: 0))
        #expect(client.closed() == true)
        #expect(!client.mayOpenStream(peerMaxConcurrentStreams: 1_000))
    }
}

extension ConnectionStateMachine {
    /// A frame of `type` with its usual payload size (PING, GOAWAY 8; WINDOW_UPDATE, CANCEL 4), or `length`.
    fileprivate mutating func receive(
        _ type: FrameType,
        stream: UInt32 = 0,
        flags: UInt8 = 0,
        length: Int? = nil,
        open: Bool = false
    ) -> FrameAction {
        let usual: Int
        switch type {
        case .ping, .goAway: usual = 8
        case .windowUpdate, .cancel: usual = 4
        case .data, .headers, .trailers, .settings: usual = 0
        }
        return self.receivedFrame(
            type: type.rawValue,
            flags: flags,
            streamID: stream,
            payloadLength: length ?? usual,
            isStreamOpen: open
        )
    }
}

extension ConnectionStateMachine.FrameAction {
    fileprivate var errorCode: WireErrorCode? {
        guard case .connectionError(let error) = self, case .connection(let code) = error.scope else { return nil }
        return code
    }
}

extension ConnectionStateMachine.PrefaceAction {
    fileprivate var errorCode: WireErrorCode? {
        guard case .connectionError(let error) = self, case .connection(let code) = error.scope else { return nil }
        return code
    }
}

extension NIODeadline {
    fileprivate static func ms(_ milliseconds: Int64) -> NIODeadline {
        .uptimeNanoseconds(UInt64(1_000_000_000 + milliseconds * 1_000_000))
    }
}

extension ConnectionStateMachine.PingAction {
    fileprivate var errorCode: WireErrorCode? {
        guard case .connectionError(let error) = self, case .connection(let code) = error.scope else { return nil }
        return code
    }
}

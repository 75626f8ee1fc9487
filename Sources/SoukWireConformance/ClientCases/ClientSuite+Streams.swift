/// §7.4, §10, §12, §15: streams, deadlines, compression and GOAWAY, as a client sees them.
extension ClientSuite {
    static let streams: [ClientCase] = [
        ClientCase(
            "7.4/c1",
            "a server with MAX_CONCURRENT_STREAMS 1 and two calls: the client queues the second until the first ends; both succeed",
            claims: [.init("7.4", "it SHOULD queue further calls locally")],
            calls: [ClientCall(), ClientCall()],
            expect: [Code.ok, Code.ok],
            frames: [.sendsNoErrorGoAway]
        ) { peer in
            try await peer.handshake(settings: [(SettingID.maxConcurrentStreams, 1)])
            let first = try await peer.nextCall()
            // A second HEADERS while the first stream is open is refused as a §7.4 server does: CANCEL(UNAVAILABLE).
            var refused: [UInt32] = []
            while true {
                let frame = try await peer.next()
                if frame.kind == .headers, frame.streamID != first.streamID {
                    refused.append(frame.streamID)
                    peer.send(RawFrame.cancel(stream: frame.streamID, code: Code.unavailable))
                }
                if frame.streamID == first.streamID, frame.has(FrameFlag.endStream) { break }
            }
            peer.answer(first.streamID)
            guard refused.isEmpty else {
                throw CaseFailure(
                    expected: "no second stream while stream \(first.streamID) was open",
                    seen: "HEADERS on stream \(refused)"
                )
            }
            let second = try await peer.nextCall()
            try await peer.readRequest(on: second.streamID)
            peer.answer(second.streamID)
            try await peer.readUntilClosed()
        },
        ClientCase(
            "7.4/c2",
            "MAX_CONCURRENT_STREAMS 1, a first call never answered (10 s deadline) and a second (1 s): the second fails DEADLINE_EXCEEDED without ever opening a stream",
            claims: [
                .init("7.4", "A client SHOULD NOT have more streams open than the server's MAX_CONCURRENT_STREAMS")
            ],
            calls: [ClientCall(timeout: .seconds(10)), ClientCall(timeout: .seconds(1), startsAfterHeaders: 1)],
            expect: [Code.deadlineExceeded, Code.deadlineExceeded],
            frames: [.opensStreams(1), .sendsCancel(codes: [Code.deadlineExceeded])]
        ) { peer in
            try await peer.handshake(settings: [(SettingID.maxConcurrentStreams, 1)])
            let first = try await peer.nextCall()
            // Whatever else opens is refused as a §7.4 server does; the frame rule counts it.
            while true {
                let frame = try await peer.next()
                if frame.kind == .headers, frame.streamID != first.streamID {
                    peer.send(RawFrame.cancel(stream: frame.streamID, code: Code.unavailable))
                }
                if frame.kind == .cancel, frame.streamID == first.streamID { break }
            }
            try await peer.readUntilClosed()
        },
        ClientCase(
            "10/c1",
            "a server that never answers: the call's deadline (2 s) fires, the call fails DEADLINE_EXCEEDED and the client sends CANCEL(DEADLINE_EXCEEDED)",
            claims: [
                .init("10", "on expiry it sends CANCEL(DEADLINE_EXCEEDED) and fails the call with DEADLINE_EXCEEDED")
            ],
            calls: [ClientCall(timeout: .seconds(2))],
            expect: [Code.deadlineExceeded],
            frames: [.sendsCancel(codes: [Code.deadlineExceeded])]
        ) { peer in
            try await peer.handshake()
            _ = try await peer.nextCall()
            try await peer.readUntilClosed()
        },
        ClientCase(
            "12/c1",
            "a DATA frame flagged COMPRESSED when the client offered no codec: CANCEL(INTERNAL), and the call fails INTERNAL",
            claims: [.init("16.3", "COMPRESSED without negotiated zstd")],
            expect: [Code.internal],
            frames: [.sendsCancel(codes: [Code.internal]), .sendsNoErrorGoAway]
        ) { peer in
            try await peer.handshake()
            guard peer.clientSetting(SettingID.codecs) & 1 == 0 else {
                throw CaseSkipped("the client offers zstd (CODECS \(peer.clientSetting(SettingID.codecs)))")
            }
            let call = try await peer.nextCall()
            try await peer.readRequest(on: call.streamID)
            peer.send(
                RawFrame.data(
                    stream: call.streamID,
                    flags: FrameFlag.endMessage | FrameFlag.compressed,
                    payload: [0x28, 0xB5, 0x2F, 0xFD]
                )
            )
            try await peer.readUntilClosed()
        },
        ClientCase(
            "15/c1",
            "GOAWAY(NO_ERROR) naming the lower of two open calls: that call finishes OK, the other fails UNAVAILABLE",
            claims: [.init("15", "fails every stream with an id above last_stream_id with UNAVAILABLE")],
            calls: [ClientCall(), ClientCall()],
            expect: [Code.ok, Code.unavailable],
            frames: [.sendsNoErrorGoAway]
        ) { peer in
            try await peer.handshake()
            let first = try await peer.nextCall()
            let second = try await peer.nextCall()
            let lower = min(first.streamID, second.streamID)
            peer.send(RawFrame.goAway(lastStreamID: lower, code: ErrorCodeName.noError, debug: "going away"))
            peer.answer(lower)
            try await peer.readUntilClosed()
        },
    ]
}

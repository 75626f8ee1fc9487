/// §13, §16.3: violations by the server, and what the client does about each.
extension ClientSuite {
    static let errors: [ClientCase] = [
        ClientCase(
            "13/c1",
            "a DATA frame larger than the stream's receive window: GOAWAY(FLOW_CONTROL_ERROR), and the call fails INTERNAL",
            claims: [.init("16.3", "DATA beyond the stream or connection window")],
            expect: [Code.internal],
            frames: [.sendsGoAway(code: ErrorCodeName.flowControlError)]
        ) { peer in
            try await peer.handshake()
            let window = peer.clientSetting(SettingID.initialStreamWindow)
            guard window < peer.clientSetting(SettingID.maxFrameSize) else {
                throw CaseSkipped("the client's stream window (\(window)) is not under its MAX_FRAME_SIZE")
            }
            let call = try await peer.nextCall()
            try await peer.readRequest(on: call.streamID)
            let payload = [UInt8](repeating: 0, count: window + 1)
            peer.send(RawFrame.data(stream: call.streamID, flags: FrameFlag.endMessage, payload: payload))
            try await peer.readUntilClosed()
        },
        ClientCase(
            "16.3/c12",
            "undecodable TRAILERS: the call fails INTERNAL and, the stream being closed, no CANCEL is sent",
            claims: [
                .init("16.1", "already closed by TRAILERS (e.g. undecodable or oversized TRAILERS), no CANCEL is sent")
            ],
            expect: [Code.internal],
            frames: [.sendsNoCancel, .sendsNoErrorGoAway]
        ) { peer in
            try await peer.handshake()
            let call = try await peer.nextCall()
            try await peer.readRequest(on: call.streamID)
            peer.send(RawFrame.frame(.trailers, stream: call.streamID, payload: Self.truncatedProtobuf))
            try await peer.readUntilClosed()
        },
        ClientCase(
            "16.3/c13",
            "undecodable response HEADERS: CANCEL(INTERNAL), and the call fails INTERNAL",
            claims: [.init("16.3", "Undecodable HEADERS/TRAILERS protobuf")],
            expect: [Code.internal],
            frames: [.sendsCancel(codes: [Code.internal]), .sendsNoErrorGoAway]
        ) { peer in
            try await peer.handshake()
            let call = try await peer.nextCall()
            try await peer.readRequest(on: call.streamID)
            peer.send(RawFrame.frame(.headers, stream: call.streamID, payload: Self.truncatedProtobuf))
            try await peer.readUntilClosed()
        },
        ClientCase(
            "16.3/c16",
            "DATA on a stream the server already ended: discarded; the connection goes on (a PING is answered, the other call succeeds)",
            claims: [.init("16.3", "Any frame on a closed stream")],
            calls: [ClientCall(), ClientCall()],
            expect: [Code.ok, Code.ok],
            frames: [.answersPing, .sendsNoErrorGoAway]
        ) { peer in
            try await peer.handshake()
            let first = try await peer.nextCall()
            let second = try await peer.nextCall()
            try await peer.readRequest(on: first.streamID)
            peer.answer(first.streamID)
            peer.send(
                RawFrame.data(stream: first.streamID, flags: FrameFlag.endMessage, payload: [0x0A, 0x01, 0x61])
                    + RawFrame.ping(0x5357_5030)
            )
            // The second call stays open until the client proves the connection alive.
            while true {
                let frame = try await peer.next()
                if frame.kind == .ping, frame.has(FrameFlag.ack) { break }
            }
            peer.answer(second.streamID)
            try await peer.readUntilClosed()
        },
        ClientCase(
            "16.3/c27",
            "a truncated frame, then silence: the call's deadline (2 s) fires, DEADLINE_EXCEEDED and CANCEL(DEADLINE_EXCEEDED); no hang",
            claims: [.init("16.3", "Truncated frame followed by silence")],
            calls: [ClientCall(timeout: .seconds(2))],
            expect: [Code.deadlineExceeded],
            frames: [.sendsCancel(codes: [Code.deadlineExceeded])]
        ) { peer in
            try await peer.handshake()
            let call = try await peer.nextCall()
            try await peer.readRequest(on: call.streamID)
            peer.send(Array(RawFrame.data(stream: call.streamID, flags: FrameFlag.endMessage, payload: [1]).prefix(7)))
            try await peer.readUntilClosed()
        },
        ClientCase(
            "16.3/c28",
            "a truncated frame, then the server closes: the call fails UNAVAILABLE; no hang",
            claims: [.init("15", "the connection dropped without GOAWAY")],
            expect: [Code.unavailable]
        ) { peer in
            try await peer.handshake()
            let call = try await peer.nextCall()
            try await peer.readRequest(on: call.streamID)
            peer.send(Array(RawFrame.data(stream: call.streamID, flags: FrameFlag.endMessage, payload: [1]).prefix(7)))
        },
    ]

    /// A protobuf field that promises 5 bytes and has 1: no decoder accepts it.
    static let truncatedProtobuf: [UInt8] = [0x0A, 0x05, 0x61]
}

import SoukWire

/// §4, §5: frames a client must refuse, and frames it must ignore.
extension ClientSuite {
    static let frames: [ClientCase] = [
        ClientCase(
            "4/c1",
            "a frame header announcing more than the client's MAX_FRAME_SIZE: GOAWAY(FRAME_SIZE_ERROR), and the open call fails INTERNAL",
            claims: [.init("16.3", "Frame length over the receiver's MAX_FRAME_SIZE")],
            expect: [Code.internal],
            frames: [.sendsGoAway(code: ErrorCodeName.frameSizeError)]
        ) { peer in
            try await peer.handshake()
            let call = try await peer.nextCall()
            try await peer.readRequest(on: call.streamID)
            let length = UInt32(peer.clientSetting(SettingID.maxFrameSize) + 1)
            peer.send(RawFrame.frame(type: FrameCode.data.rawValue, stream: call.streamID, length: length))
            try await peer.readUntilClosed()
        },
        ClientCase(
            "5.2/c1",
            "response HEADERS over the client's MAX_HEADER_SIZE: CANCEL(RESOURCE_EXHAUSTED), and the call fails RESOURCE_EXHAUSTED",
            claims: [.init("16.3", "HEADERS payload over MAX_HEADER_SIZE")],
            expect: [Code.resourceExhausted],
            frames: [.sendsCancel(codes: [Code.resourceExhausted]), .sendsNoErrorGoAway]
        ) { peer in
            try await peer.handshake()
            let call = try await peer.nextCall()
            try await peer.readRequest(on: call.streamID)
            let head = try Self.oversized(for: peer) { size in
                ProtobufReader.canonicalResponseHead([("x-big", .text(String(repeating: "a", count: size)))])
            }
            peer.send(RawFrame.frame(.headers, stream: call.streamID, payload: head))
            try await peer.readUntilClosed()
        },
        ClientCase(
            "5.3/c1",
            "TRAILERS over the client's MAX_HEADER_SIZE: the call fails RESOURCE_EXHAUSTED and, the stream being closed, no CANCEL is sent",
            claims: [
                .init("16.1", "already closed by TRAILERS (e.g. undecodable or oversized TRAILERS), no CANCEL is sent")
            ],
            expect: [Code.resourceExhausted],
            frames: [.sendsNoCancel, .sendsNoErrorGoAway]
        ) { peer in
            try await peer.handshake()
            let call = try await peer.nextCall()
            try await peer.readRequest(on: call.streamID)
            let trailers = try Self.oversized(for: peer) { size in
                ProtobufReader.canonical(.init(code: 0, message: String(repeating: "a", count: size), metadata: []))
            }
            peer.send(RawFrame.frame(.trailers, stream: call.streamID, payload: trailers))
            try await peer.readUntilClosed()
        },
        ClientCase(
            "5/c1",
            "frames of an unknown type, on stream 0 and on the call's stream, are ignored: the call succeeds",
            claims: [.init("16.3", "Unknown frame type")],
            expect: [Code.ok],
            frames: [.sendsNoErrorGoAway, .sendsNoCancel]
        ) { peer in
            try await peer.handshake()
            let call = try await peer.nextCall()
            try await peer.readRequest(on: call.streamID)
            peer.send(
                RawFrame.frame(type: 0x0F, stream: 0, payload: [1, 2, 3])
                    + RawFrame.frame(type: 0x0F, flags: 0xFF, stream: call.streamID, payload: [4])
            )
            peer.answer(call.streamID)
            try await peer.readUntilClosed()
        },
    ]

    /// The smallest payload `make(size)` gives that is over the client's MAX_HEADER_SIZE.
    ///
    /// - Throws: ``CaseSkipped`` when such a payload would not fit in one of the client's frames.
    static func oversized(for peer: ServedPeer, _ make: (Int) -> [UInt8]) throws -> [UInt8] {
        let limit = peer.clientSetting(SettingID.maxHeaderSize)
        guard limit + 64 <= peer.clientSetting(SettingID.maxFrameSize) else {
            throw CaseSkipped("the client's MAX_HEADER_SIZE (\(limit)) is not under its MAX_FRAME_SIZE")
        }
        var size = max(limit - 32, 0)
        var payload = make(size)
        while payload.count <= limit {
            size += 1
            payload = make(size)
        }
        return payload
    }
}

/// PROTOCOL.md §4 (the frame header) and §5 (frame types on the right streams, unknown types).
extension ConformanceSuite {
    static let frames: [ConformanceCase] =
        [
            .connectionError(
                "4/1",
                "a length over MAX_FRAME_SIZE is refused from the header alone, before any payload",
                claims: [
                    .init(
                        "4",
                        "The receiver MUST compare it with its own MAX_FRAME_SIZE before buffering or allocating any payload"
                    ),
                    .init("16.3", "Frame length over the receiver's MAX_FRAME_SIZE"),
                ],
                code: ErrorCodeName.frameSizeError
            ) { session in
                // The header alone: a server that waited for the payload would never answer.
                RawFrame.frame(
                    type: FrameCode.data.rawValue,
                    stream: 1,
                    length: UInt32(session.setting(SettingID.maxFrameSize) + 1)
                )
            },
            .connectionError(
                "4/2",
                "a length of 2³²−1 is refused without waiting for (or allocating) 4 GiB",
                claims: [.init("4", "larger is a connection error FRAME_SIZE_ERROR")],
                code: ErrorCodeName.frameSizeError
            ) { _ in
                RawFrame.frame(type: FrameCode.ping.rawValue, stream: 0, length: 0xFFFF_FFFF)
            },
            .connectionError(
                "4/3",
                "a non-zero reserved u16 is a connection error PROTOCOL_ERROR",
                claims: [
                    .init("4", "MUST be 0. Non-zero is a connection error PROTOCOL_ERROR"),
                    .init("16.3", "Header reserved u16"),
                ],
                code: ErrorCodeName.protocolError
            ) { _ in
                RawFrame.frame(type: FrameCode.ping.rawValue, reserved: 1, stream: 0, payload: RawFrame.u64(7))
            },
            .connectionError(
                "4/4",
                "stream id bit 31 set is a connection error PROTOCOL_ERROR",
                claims: [.init("4", "Bit 31 is reserved and MUST be 0 (else connection error PROTOCOL_ERROR)")],
                code: ErrorCodeName.protocolError
            ) { _ in
                RawFrame.frame(type: FrameCode.ping.rawValue, stream: 0x8000_0000, payload: RawFrame.u64(7))
            },
            ConformanceCase(
                "4/5",
                "undefined flags are ignored on PING, HEADERS and DATA",
                claims: [.init("4", "Undefined flags MUST be 0 when sent and MUST be ignored when received")]
            ) { context in
                let session = try await context.session()
                session.send(RawFrame.frame(.ping, flags: 0xF0, stream: 0, payload: RawFrame.u64(42)))
                let ack = try await session.next()
                guard ack.kind == .ping, ack.has(FrameFlag.ack), ack.payload == RawFrame.u64(42) else {
                    throw CaseFailure(expected: "PING ACK with the same 8 bytes", seen: "\(ack)")
                }
                let message = ProtobufWriter.payload(body: [1, 2, 3])
                session.send(
                    RawFrame.frame(
                        .headers,
                        flags: 0xF0 | 0x01,
                        stream: 1,
                        payload: ProtobufWriter.requestHead(method: TestMethod.echo)
                    )
                        + RawFrame.data(
                            stream: 1,
                            flags: 0xF0 | FrameFlag.endMessage | FrameFlag.endStream,
                            payload: message
                        )
                )
                let response = try await session.readResponse(1)
                guard response.trailers?.code == 0, response.messages == [message] else {
                    throw CaseFailure(expected: "the echo, status 0", seen: "\(response.frames)")
                }
            },
            ConformanceCase(
                "4/6",
                "the server sets no undefined flag on any frame of a call",
                claims: [.init("4", "Undefined flags MUST be 0 when sent")]
            ) { context in
                let session = try await context.session()
                session.send(
                    RawFrame.headers(
                        stream: 1,
                        method: TestMethod.streamBytes,
                        entries: [ProtobufWriter.textEntry("x-grpc-test-echo-initial", "flags")]
                    )
                        + RawFrame.data(
                            stream: 1,
                            flags: FrameFlag.endMessage | FrameFlag.endStream,
                            payload: ProtobufWriter.streamRequest(count: 3, size: 10)
                        )
                )
                let response = try await session.readResponse(1)
                try await session.expectAlive()
                let defined: [UInt8: UInt8] = [
                    0: FrameFlag.endMessage | FrameFlag.compressed, 1: 0, 2: 0, 3: 0, 4: FrameFlag.ack,
                    5: FrameFlag.ack,
                ]
                for frame in response.frames where frame.flags & ~(defined[frame.type] ?? 0) != 0 {
                    throw CaseFailure(
                        expected: "only the flags §5 defines for each type (none of END_STREAM)",
                        seen: "\(frame)"
                    )
                }
            },
            ConformanceCase(
                "5/1",
                "frames of an unknown type are discarded, on stream 0 and on an open stream",
                claims: [
                    .init("5", "A frame of any other type MUST be discarded after its length has been checked against"),
                    .init("16.3", "Unknown frame type"),
                ]
            ) { context in
                let session = try await context.session()
                session.send(RawFrame.frame(type: 0x2A, flags: 0xFF, stream: 0, payload: [1, 2, 3]))
                session.send(RawFrame.headers(stream: 1, method: TestMethod.echo))
                session.send(RawFrame.frame(type: 0xEE, stream: 1, payload: Array(repeating: 9, count: 100)))
                let message = ProtobufWriter.payload(body: [4, 5])
                session.send(
                    RawFrame.data(stream: 1, flags: FrameFlag.endMessage | FrameFlag.endStream, payload: message)
                )
                let response = try await session.readResponse(1)
                guard response.trailers?.code == 0, response.messages == [message] else {
                    throw CaseFailure(expected: "the echo unchanged by the unknown frames", seen: "\(response.frames)")
                }
            },
            .connectionError(
                "5/2",
                "an unknown type with a length over MAX_FRAME_SIZE is still a FRAME_SIZE_ERROR",
                claims: [.init("5", "after its length has been checked against MAX_FRAME_SIZE")],
                code: ErrorCodeName.frameSizeError
            ) { session in
                RawFrame.frame(type: 0x2A, stream: 0, length: UInt32(session.setting(SettingID.maxFrameSize) + 1))
            },
        ] + ConformanceSuite.wrongStream

    private static let wrongStreamRows: [(FrameCode, UInt32, [UInt8])] = [
        (.settings, 1, []),
        (FrameCode.ping, 1, RawFrame.u64(1)),
        (FrameCode.goAway, 1, RawFrame.u32(0) + RawFrame.u32(0)),
        (FrameCode.data, 0, [UInt8]()),
        (FrameCode.headers, 0, ProtobufWriter.requestHead(method: TestMethod.echo)),
        (FrameCode.trailers, 0, [UInt8]()),
        (FrameCode.cancel, 0, RawFrame.u32(1)),
    ]

    private static let wrongStream: [ConformanceCase] = ConformanceSuite.wrongStreamRows.enumerated().map {
        index,
        row in
        let (type, stream, payload) = row
        return ConformanceCase.connectionError(
            "5/\(index + 3)",
            "\(type) on stream \(stream) is a connection error PROTOCOL_ERROR",
            claims: [
                .init("5", "A frame of a known type on the wrong kind of stream"),
                .init("16.3", "SETTINGS/PING/GOAWAY on stream ≠ 0; DATA/HEADERS/TRAILERS/CANCEL on stream 0"),
            ],
            code: ErrorCodeName.protocolError
        ) { _ in
            RawFrame.frame(type, stream: stream, payload: payload)
        }
    }
}

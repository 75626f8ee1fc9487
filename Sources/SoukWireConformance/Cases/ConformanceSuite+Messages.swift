/// PROTOCOL.md §5.1 (DATA), §5.2 (HEADERS), §5.3 (TRAILERS) and §5.4 (CANCEL).
extension ConformanceSuite {
    static let messages: [ConformanceCase] = [
        ConformanceCase(
            "5.1/1",
            "a message in many fragments is reassembled, and an empty message is one empty DATA",
            claims: [.init("5.1", "A message is one or more DATA frames on one stream, in order")]
        ) { context in
            let session = try await context.session()
            let message = ProtobufWriter.payload(body: (0..<3000).map { UInt8($0 % 251) })
            session.send(RawFrame.headers(stream: 1, method: TestMethod.echo))
            try await session.sendMessage(
                message,
                on: 1,
                fragmentSize: 1000,
                lastFlags: FrameFlag.endMessage | FrameFlag.endStream
            )
            let response = try await session.readResponse(1)
            guard response.messages == [message], response.trailers?.code == 0 else {
                throw CaseFailure(expected: "the 3003-byte message echoed", seen: "\(response.frames.count) frames")
            }
            let empty = try await session.unary(3, message: [])
            guard empty.messages == [[]] else {
                throw CaseFailure(expected: "an empty message echoed", seen: "\(empty.frames)")
            }
        },
        ConformanceCase(
            "5.1/2",
            "response messages are split to the client's MAX_FRAME_SIZE and never interleave on a stream",
            claims: [
                .init("5.1", "fragments of one stream MUST NOT interleave with another message of the same stream"),
                .init("5.1", "A sender splits messages so that no frame exceeds the receiver's MAX_FRAME_SIZE"),
            ]
        ) { context in
            let session = try await context.session(settings: [(SettingID.maxFrameSize, 1024)])
            session.send(
                RawFrame.unary(
                    stream: 1,
                    method: TestMethod.streamBytes,
                    message: ProtobufWriter.streamRequest(count: 3, size: 3000)
                )
            )
            let response = try await session.readResponse(1)
            for frame in response.frames where frame.length > 1024 {
                throw CaseFailure(expected: "no frame over the 1024 bytes advertised", seen: "\(frame)")
            }
            let lengths = response.messages.map(ProtobufReader.payloadBodyLength)
            guard lengths == [3000, 3000, 3000] else {
                throw CaseFailure(expected: "three whole 3000-byte payloads", seen: "messages with bodies \(lengths)")
            }
        },
        ConformanceSuite.streamError(
            "5.1/3",
            "COMPRESSED on the first fragment only is a stream error INTERNAL",
            claims: [
                .init(
                    "5.1",
                    "It MUST be set on every fragment of a compressed message and on none of an uncompressed one"
                ), .init("16.3", "COMPRESSED inconsistent across fragments"),
            ],
            code: 13
        ),
        ConformanceSuite.streamError(
            "5.1/4",
            "COMPRESSED on the last fragment only is a stream error INTERNAL",
            claims: [.init("5.1", "A message whose fragments disagree is a stream error INTERNAL")],
            code: 13
        ),
        ConformanceCase(
            "5.1/5",
            "END_STREAM inside an unfinished message is a stream error INTERNAL",
            claims: [
                .init("5.1", "END_STREAM on a frame that leaves a message incomplete"),
                .init("16.3", "END_STREAM inside an incomplete message"),
            ]
        ) { context in
            let session = try await context.session()
            session.send(
                RawFrame.headers(stream: 1, method: TestMethod.echo)
                    + RawFrame.data(stream: 1, flags: 0, payload: [0x0A, 0x04, 1, 2])
                    + RawFrame.data(stream: 1, flags: FrameFlag.endStream, payload: [3, 4])
            )
            try await session.expectCancel(1, code: 13)
        },
        ConformanceCase(
            "5.1/6",
            "a message over MAX_MESSAGE_SIZE is a stream error RESOURCE_EXHAUSTED, sent within the server's credit",
            claims: [
                .init("5.1", "MUST NOT exceed the receiver's MAX_MESSAGE_SIZE"),
                .init("16.3", "Message over MAX_MESSAGE_SIZE while reassembling"),
            ]
        ) { context in
            let session = try await context.session()
            let limit = session.setting(SettingID.maxMessageSize)
            guard limit <= 16 * 1024 * 1024 else { throw CaseSkipped("MAX_MESSAGE_SIZE \(limit) is too large to send") }
            session.send(RawFrame.headers(stream: 1, method: TestMethod.echo))
            try await session.sendMessage([UInt8](repeating: 0x61, count: limit + 1), on: 1)
            try await session.expectCancel(1, code: 8)
        },
        ConformanceCase(
            "5.1/7",
            "DATA after the client's END_STREAM is a stream error INTERNAL",
            claims: [
                .init("7.3", "Client DATA after its END_STREAM"), .init("16.3", "Client DATA after its END_STREAM"),
            ]
        ) { context in
            let session = try await context.session()
            session.openSleep(1)
            session.send(RawFrame.data(stream: 1, flags: FrameFlag.endMessage, payload: [0x08, 0x01]))
            try await session.expectCancel(1, code: 13)
        },
        ConformanceCase(
            "5.2/1",
            "the server's HEADERS come once, before DATA, never with END_STREAM; TRAILERS end the response",
            claims: [
                .init("5.2", "The server MUST NOT set END_STREAM"),
                .init("7.2", "Within open and half-closed, the response goes through"),
            ]
        ) { context in
            let session = try await context.session()
            session.send(
                RawFrame.headers(
                    stream: 1,
                    method: TestMethod.streamBytes,
                    entries: [ProtobufWriter.textEntry("x-grpc-test-echo-initial", "x")]
                )
                    + RawFrame.data(
                        stream: 1,
                        flags: FrameFlag.endMessage | FrameFlag.endStream,
                        payload: ProtobufWriter.streamRequest(count: 2, size: 5)
                    )
            )
            let response = try await session.readResponse(1)
            try await session.unary(3)
            let kinds = response.frames.map(\.type)
            let headers = kinds.filter { $0 == FrameCode.headers.rawValue }.count
            guard headers <= 1, kinds.firstIndex(of: FrameCode.headers.rawValue) ?? 0 == 0,
                response.frames.allSatisfy({ !$0.has(FrameFlag.endStream) })
            else {
                throw CaseFailure(expected: "HEADERS at most once and first, no END_STREAM", seen: "\(response.frames)")
            }
        },
        ConformanceCase(
            "5.2/2",
            "HEADERS over the server's MAX_HEADER_SIZE is a stream error RESOURCE_EXHAUSTED",
            claims: [
                .init("5.2", "The payload MUST NOT exceed the receiver's MAX_HEADER_SIZE"),
                .init("16.3", "HEADERS payload over MAX_HEADER_SIZE"),
            ]
        ) { context in
            let session = try await context.session()
            let limit = session.setting(SettingID.maxHeaderSize)
            guard limit + 200 <= session.setting(SettingID.maxFrameSize) else {
                throw CaseSkipped("MAX_HEADER_SIZE \(limit) leaves no room below MAX_FRAME_SIZE")
            }
            let value = String(repeating: "v", count: limit)
            session.send(
                RawFrame.unary(
                    stream: 1,
                    method: TestMethod.echo,
                    message: [],
                    entries: [ProtobufWriter.textEntry("x-big", value)]
                )
            )
            try await session.expectCancel(1, code: 8)
        },
        ConformanceCase(
            "5.2/3",
            "the server sends no HEADERS or TRAILERS over the client's MAX_HEADER_SIZE",
            claims: [.init("5.2", "nor, being one frame, its MAX_FRAME_SIZE")]
        ) { context in
            let session = try await context.session(settings: [(SettingID.maxHeaderSize, 64)])
            session.send(
                RawFrame.unary(
                    stream: 1,
                    method: TestMethod.emptyCall,
                    message: [],
                    entries: [
                        ProtobufWriter.textEntry("x-grpc-test-echo-initial", String(repeating: "i", count: 200)),
                        ProtobufWriter.binaryEntry("x-grpc-test-echo-trailing-bin", [UInt8](repeating: 7, count: 200)),
                    ]
                )
            )
            _ = try await session.readStreamEnd(1, expected: "the call to end")
            try await session.expectAlive()
            for frame in session.seenFrames
            where (frame.kind == .headers || frame.kind == .trailers) && frame.length > 64 {
                throw CaseFailure(expected: "HEADERS and TRAILERS of at most 64 bytes", seen: "\(frame)")
            }
        },
        ConformanceCase(
            "5.3/1",
            "TRAILERS from the client is a connection error PROTOCOL_ERROR",
            claims: [
                .init("7.3", "TRAILERS from the client, END_STREAM from the server"),
                .init("16.3", "TRAILERS from the client"),
            ]
        ) { context in
            let session = try await context.session()
            session.openSleep(1)
            session.send(RawFrame.frame(.trailers, stream: 1))
            try await session.expectGoAway(ErrorCodeName.protocolError)
        },
        ConformanceCase(
            "5.4/1",
            "CANCEL ends the call; the server sends nothing more on the stream and never answers CANCEL with CANCEL",
            claims: [
                .init(
                    "10",
                    "Neither side sends anything further on that stream, and CANCEL is never answered with CANCEL"
                ),
                .init("5.4", "CANCEL closes the stream in both directions at once"),
            ]
        ) { context in
            let session = try await context.session()
            session.openSleep(1)
            session.openSleep(3)
            session.send(RawFrame.cancel(stream: 1, code: 1) + RawFrame.cancel(stream: 3, code: 99))
            try await session.expectAlive()
            try await session.unary(5)
            try await session.expectAlive()
            for frame in session.seenFrames where frame.streamID == 1 || frame.streamID == 3 {
                throw CaseFailure(expected: "nothing on the cancelled streams 1 and 3", seen: "\(frame)")
            }
        },
        ConformanceSuite.cancelLength("5.4/2", 3),
        ConformanceSuite.cancelLength("5.4/3", 5),
    ]

    private static func streamError(
        _ id: String,
        _ title: String,
        claims: [ConformanceCase.Claim],
        code: UInt32
    )
        -> ConformanceCase
    {
        // 5.1/3: COMPRESSED then plain; 5.1/4: plain then COMPRESSED.
        let firstCompressed = id.hasSuffix("/3")
        return ConformanceCase(id, title, claims: claims) { context in
            let session = try await context.session(settings: [(SettingID.codecs, 1)])
            guard session.setting(SettingID.codecs) & 1 == 1 else {
                throw CaseSkipped("the server does not accept zstd")
            }
            let message = try Compression.compress(ProtobufWriter.payload(body: [UInt8](repeating: 0x61, count: 4000)))
            let half = message.count / 2
            session.send(
                RawFrame.headers(stream: 1, method: TestMethod.echo)
                    + RawFrame.data(
                        stream: 1,
                        flags: firstCompressed ? FrameFlag.compressed : 0,
                        payload: Array(message[..<half])
                    )
                    + RawFrame.data(
                        stream: 1,
                        flags: (firstCompressed ? 0 : FrameFlag.compressed) | FrameFlag.endMessage
                            | FrameFlag.endStream,
                        payload: Array(message[half...])
                    )
            )
            try await session.expectCancel(1, code: code)
        }
    }

    private static func cancelLength(_ id: String, _ length: Int) -> ConformanceCase {
        ConformanceCase(
            id,
            "CANCEL with \(length) payload bytes on an open stream is a connection error FRAME_SIZE_ERROR",
            claims: [.init("16.3", "CANCEL ≠ 4")]
        ) { context in
            let session = try await context.session()
            session.openSleep(1)
            session.send(RawFrame.frame(.cancel, stream: 1, payload: [UInt8](repeating: 0, count: length)))
            try await session.expectGoAway(ErrorCodeName.frameSizeError)
        }
    }
}

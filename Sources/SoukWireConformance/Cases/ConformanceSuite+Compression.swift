/// PROTOCOL.md §12: zstd negotiated by CODECS, decoded by the flag, bounded by MAX_MESSAGE_SIZE.
extension ConformanceSuite {
    static let compression: [ConformanceCase] = [
        ConformanceSuite.zstdCase(
            "12/1",
            "a compressed message is decoded by its flag, on a call that did not name zstd, in fragments",
            claims: [
                .init(
                    "12",
                    "a receiver MUST decode by the flag and MUST NOT reject an uncompressed message on a call that named zstd, or a compressed one on a call that did not"
                )
            ]
        ) { session in
            let body = [UInt8](repeating: 0x62, count: 5000)
            let message = try Compression.compress(ProtobufWriter.payload(body: body))
            session.send(RawFrame.headers(stream: 1, method: TestMethod.echo))
            try await session.sendMessage(
                message,
                on: 1,
                fragmentSize: max(1, message.count / 3),
                flags: FrameFlag.compressed,
                lastFlags: FrameFlag.endMessage | FrameFlag.endStream
            )
            let response = try await session.readResponse(1)
            let echoed = response.messages.first ?? []
            let decoded = try (response.compressedFlags.first == true ? Compression.decompress(echoed) : echoed)
            guard response.trailers?.code == 0, decoded == ProtobufWriter.payload(body: body) else {
                throw CaseFailure(expected: "the 5000-byte body echoed", seen: "\(response.frames)")
            }
        },
        ConformanceSuite.zstdCase(
            "12/2",
            "an uncompressed message on a call that named zstd is accepted",
            claims: [.init("12", "Whether one message is compressed is still said by its COMPRESSED flag alone")]
        ) { session in
            try await session.unary(1, entries: [ProtobufWriter.textEntry("grpc-encoding", "zstd")])
        },
        ConformanceSuite.zstdCase(
            "12/3",
            "corrupt zstd is a stream error INTERNAL",
            claims: [
                .init(
                    "12",
                    "or a frame that does not decode (corrupt, truncated, trailing bytes after the frame, an empty payload): stream error INTERNAL"
                ), .init("16.3", "corrupt zstd"),
            ]
        ) { session in
            try await ConformanceSuite.sendCompressed(
                session,
                [0x28, 0xB5, 0x2F, 0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5]
            )
        },
        ConformanceSuite.zstdCase(
            "12/4",
            "a truncated zstd frame is a stream error INTERNAL",
            claims: [.init("12", "a frame that does not decode")]
        ) {
            session in
            let frame = try Compression.compress(ProtobufWriter.payload(body: [UInt8](repeating: 1, count: 3000)))
            try await ConformanceSuite.sendCompressed(session, Array(frame.dropLast(3)))
        },
        ConformanceSuite.zstdCase(
            "12/5",
            "trailing bytes after the zstd frame are a stream error INTERNAL",
            claims: [.init("12", "trailing bytes after the frame")]
        ) {
            session in
            let frame = try Compression.compress(ProtobufWriter.payload(body: [UInt8](repeating: 1, count: 3000)))
            try await ConformanceSuite.sendCompressed(session, frame + [0, 0, 0, 0])
        },
        ConformanceSuite.zstdCase(
            "12/6",
            "an empty COMPRESSED message is a stream error INTERNAL",
            claims: [.init("12", "an empty payload")]
        ) {
            session in
            try await ConformanceSuite.sendCompressed(session, [])
        },
        ConformanceSuite.zstdCase(
            "12/7",
            "a zstd bomb over MAX_MESSAGE_SIZE is a stream error RESOURCE_EXHAUSTED",
            claims: [
                .init("12", "The receiver MUST stop decoding as soon as the output would exceed its MAX_MESSAGE_SIZE"),
                .init("16.3", "zstd bomb"),
            ]
        ) { session in
            let limit = session.setting(SettingID.maxMessageSize)
            guard limit <= 64 * 1024 * 1024 else {
                throw CaseSkipped("MAX_MESSAGE_SIZE \(limit) is too large to inflate")
            }
            let bomb = try Compression.compress([UInt8](repeating: 0, count: limit + 1024))
            try await ConformanceSuite.sendCompressed(session, bomb, code: 8)
        },
        ConformanceCase(
            "12/8",
            "the server compresses nothing for a client that did not advertise zstd, even when the call names it",
            claims: [
                .init("12", "A sender MAY compress a message with zstd only if the receiver advertised bit 0 (zstd)")
            ]
        ) { context in
            let session = try await context.session(settings: [(SettingID.codecs, 0)])
            let response = try await session.unary(
                1,
                message: ProtobufWriter.payload(body: [UInt8](repeating: 0x63, count: 8000)),
                entries: [ProtobufWriter.textEntry("grpc-encoding", "zstd")]
            )
            for frame in response.frames where frame.kind == .data && frame.has(FrameFlag.compressed) {
                throw CaseFailure(expected: "no COMPRESSED DATA", seen: "\(frame)")
            }
        },
        ConformanceCase(
            "12/9",
            "COMPRESSED without the server's zstd is a stream error INTERNAL",
            claims: [.init("12", "COMPRESSED on a connection where the receiver did not advertise zstd")]
        ) { context in
            let session = try await context.session()
            guard session.setting(SettingID.codecs) & 1 == 0 else { throw CaseSkipped("the server accepts zstd") }
            try await ConformanceSuite.sendCompressed(
                session,
                try Compression.compress(ProtobufWriter.payload(body: [1, 1, 1, 1]))
            )
        },
    ]

    private static func zstdCase(
        _ id: String,
        _ title: String,
        claims: [ConformanceCase.Claim],
        run: @escaping @Sendable (Session) async throws -> Void
    ) -> ConformanceCase {
        ConformanceCase(id, title, claims: claims) { context in
            let session = try await context.session(settings: [(SettingID.codecs, 1)])
            guard session.setting(SettingID.codecs) & 1 == 1 else {
                throw CaseSkipped("the server does not accept zstd")
            }
            try await run(session)
        }
    }

    /// Sends `payload` as one COMPRESSED message on a new Echo stream 1 and expects CANCEL(`code`).
    private static func sendCompressed(_ session: Session, _ payload: [UInt8], code: UInt32 = 13) async throws {
        session.send(
            RawFrame.headers(stream: 1, method: TestMethod.echo)
                + RawFrame.data(
                    stream: 1,
                    flags: FrameFlag.compressed | FrameFlag.endMessage | FrameFlag.endStream,
                    payload: payload
                )
        )
        try await session.expectCancel(1, code: code)
    }
}

/// PROTOCOL.md §6: what each setting from a client means, and what the server must ignore.
extension ConformanceSuite {
    static let settingsValues: [ConformanceCase] = [
        ConformanceCase(
            "6/7",
            "undefined CODECS bits are ignored",
            claims: [.init("6", "Bit mask of message codecs the sender can decode")]
        ) { context in
            let session = try await context.session(settings: [(SettingID.codecs, 0xFFFF_FFFE)])
            let response = try await session.unary(
                1,
                message: ProtobufWriter.payload(body: [UInt8](repeating: 0x64, count: 8000)),
                entries: [ProtobufWriter.textEntry("grpc-encoding", "zstd")]
            )
            for frame in response.frames where frame.kind == .data && frame.has(FrameFlag.compressed) {
                throw CaseFailure(expected: "no COMPRESSED DATA (bit 0 is clear)", seen: "\(frame)")
            }
        },
        ConformanceCase(
            "6/8",
            "KEEPALIVE_MIN_INTERVAL_MS from a client is ignored: the server polices PINGs by its own",
            claims: [.init("6", "Server only (ignored from a client)")]
        ) { context in
            let session = try await context.session(settings: [(SettingID.keepaliveMinimumIntervalMilliseconds, 0)])
            guard session.setting(SettingID.keepaliveMinimumIntervalMilliseconds) >= 1000 else {
                throw CaseSkipped("KEEPALIVE_MIN_INTERVAL_MS below 1 s")
            }
            session.send(RawFrame.ping(1) + RawFrame.ping(2) + RawFrame.ping(3))
            try await session.expectGoAway(ErrorCodeName.enhanceYourCalm)
        },
        ConformanceCase(
            "6/9",
            "MAX_CONCURRENT_STREAMS 0 from a client does not stop it opening streams",
            claims: [.init("6", "Meaningful from the server only (clients open all streams)")]
        ) { context in
            let session = try await context.session(settings: [(SettingID.maxConcurrentStreams, 0)])
            try await session.unary(1)
            try await session.unary(3)
        },
        ConformanceCase(
            "6/10",
            "CONNECTION_WINDOW in a later SETTINGS is ignored",
            claims: [.init("6", "Honoured only in the first SETTINGS frame of a connection; ignored later")]
        ) { context in
            let session = try await context.session()
            session.send(RawFrame.settings([(SettingID.connectionWindow, 1024)]))
            try await session.expectAlive()
            let response = try await session.unary(
                1,
                method: TestMethod.streamBytes,
                message: ProtobufWriter.streamRequest(count: 4, size: 2000)
            )
            guard response.messages.count == 4 else {
                throw CaseFailure(expected: "4 messages without waiting for credit", seen: "\(response.messages.count)")
            }
        },
        ConformanceCase(
            "4/7",
            "a frame of exactly MAX_FRAME_SIZE is accepted",
            claims: [.init("6", "Largest frame payload the sender accepts")]
        ) { context in
            let session = try await context.session()
            let size = session.setting(SettingID.maxFrameSize)
            guard size <= session.setting(SettingID.maxMessageSize), size > 4 else {
                throw CaseSkipped("MAX_FRAME_SIZE above MAX_MESSAGE_SIZE")
            }
            let body = [UInt8](repeating: 0x65, count: size - ProtobufWriter.payload(body: []).count - 4)
            let message = ProtobufWriter.payload(body: body)
            guard message.count == size else { throw CaseSkipped("cannot build a \(size)-byte message") }
            let response = try await session.unary(1, message: message)
            guard response.messages == [message] else {
                throw CaseFailure(
                    expected: "the \(size)-byte message echoed",
                    seen: "\(response.messages.map(\.count))"
                )
            }
        },
    ]
}

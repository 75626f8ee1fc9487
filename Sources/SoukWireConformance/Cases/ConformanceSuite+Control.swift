/// PROTOCOL.md §5.5 (SETTINGS), §5.6 (PING), §5.7 (GOAWAY), §5.8 (WINDOW_UPDATE) and §6 (settings values).
extension ConformanceSuite {
    static let control: [ConformanceCase] = [
        .connectionError(
            "5.5/1",
            "a SETTINGS payload that is not a multiple of 6 is a connection error FRAME_SIZE_ERROR",
            claims: [.init("5.5", "A length that is not a multiple of 6 is a connection error FRAME_SIZE_ERROR")],
            code: ErrorCodeName.frameSizeError
        ) { _ in
            RawFrame.frame(.settings, stream: 0, payload: [0, 7, 0, 0, 0, 1, 0])
        },
        ConformanceCase(
            "5.5/2",
            "unknown setting identifiers are ignored, and every SETTINGS is acknowledged in order",
            claims: [
                .init("5.5", "Unknown identifiers MUST be ignored"),
                .init("6", "A side MAY send further SETTINGS frames at any time; each is acknowledged in order"),
            ]
        ) { context in
            let session = try await context.session(settings: [(0x99, 12345), (0xFFFF, 0xFFFF_FFFF)])
            session.send(RawFrame.settings([(0x42, 1)]) + RawFrame.settings())
            try await session.expectAlive()
            try await session.unary(1)
            guard session.settingsAcks == 3 else {
                throw CaseFailure(expected: "3 SETTINGS ACKs", seen: "\(session.settingsAcks)")
            }
        },
        .connectionError(
            "5.5/3",
            "a SETTINGS ACK with a payload is a connection error FRAME_SIZE_ERROR",
            claims: [.init("5.5", "its payload MUST be empty (else FRAME_SIZE_ERROR)")],
            code: ErrorCodeName.frameSizeError
        ) { _ in
            RawFrame.frame(.settings, flags: FrameFlag.ack, stream: 0, payload: [0, 7, 0, 0, 0, 1])
        },
        ConformanceCase(
            "5.6/1",
            "a PING is answered with PING ACK and the same 8 bytes; an unmatched PING ACK is ignored",
            claims: [
                .init(
                    "5.6",
                    "The receiver of a PING without ACK MUST answer, as soon as it can, with a PING that has the ACK flag"
                ),
                .init("5.6", "A PING ACK that matches no outstanding PING is ignored"),
            ]
        ) { context in
            let session = try await context.session()
            session.send(RawFrame.ping(0x0102_0304_0506_0708, ack: true))
            session.send(RawFrame.ping(0xFEDC_BA98_7654_3210))
            let ack = try await session.next()
            guard ack.kind == .ping, ack.has(FrameFlag.ack), ack.payload == RawFrame.u64(0xFEDC_BA98_7654_3210) else {
                throw CaseFailure(expected: "PING ACK FE DC BA 98 76 54 32 10", seen: "\(ack)")
            }
        },
        .connectionError(
            "5.6/2",
            "a PING of 7 bytes is a connection error FRAME_SIZE_ERROR",
            claims: [.init("5.6", "Payload exactly 8 opaque bytes (else connection error FRAME_SIZE_ERROR)")],
            code: ErrorCodeName.frameSizeError
        ) { _ in
            RawFrame.frame(.ping, stream: 0, payload: [1, 2, 3, 4, 5, 6, 7])
        },
        .connectionError(
            "5.7/1",
            "a GOAWAY shorter than 8 bytes is a connection error FRAME_SIZE_ERROR",
            claims: [.init("5.7", "A payload shorter than 8 bytes is a connection error FRAME_SIZE_ERROR")],
            code: ErrorCodeName.frameSizeError
        ) { _ in
            RawFrame.frame(.goAway, stream: 0, payload: [0, 0, 0, 0, 0, 0, 0])
        },
        .connectionError(
            "5.8/1",
            "a WINDOW_UPDATE of 3 bytes is a connection error FRAME_SIZE_ERROR",
            claims: [.init("16.3", "WINDOW_UPDATE ≠ 4")],
            code: ErrorCodeName.frameSizeError
        ) { _ in
            RawFrame.frame(.windowUpdate, stream: 0, payload: [0, 0, 1])
        },
        .connectionError(
            "5.8/2",
            "a connection WINDOW_UPDATE of 0 is a connection error PROTOCOL_ERROR",
            claims: [.init("5.8", "An increment of 0 is PROTOCOL_ERROR: a connection error on stream 0")],
            code: ErrorCodeName.protocolError
        ) { _ in
            RawFrame.windowUpdate(stream: 0, increment: 0)
        },
        .streamError(
            "5.8/3",
            "a stream WINDOW_UPDATE of 0 is a stream error INTERNAL",
            claims: [
                .init("5.8", "a stream error (CANCEL INTERNAL) on a stream"),
                .init("16.3", "WINDOW_UPDATE increment 0"),
            ],
            code: 13
        ) { _ in
            RawFrame.windowUpdate(stream: 1, increment: 0)
        },
        .connectionError(
            "5.8/4",
            "a connection WINDOW_UPDATE taking the window above 2³¹−1 is a connection error FLOW_CONTROL_ERROR",
            claims: [
                .init("13", "A window MUST NOT exceed 2³¹−1"),
                .init("16.3", "WINDOW_UPDATE taking a window above 2³¹−1"),
            ],
            code: ErrorCodeName.flowControlError
        ) { _ in
            RawFrame.windowUpdate(stream: 0, increment: 0x7FFF_FFFF)
        },
        .streamError(
            "5.8/5",
            "a stream WINDOW_UPDATE taking the window above 2³¹−1 is a stream error INTERNAL",
            claims: [.init("13", "a stream error (CANCEL INTERNAL) on a stream")],
            code: 13
        ) { _ in
            RawFrame.windowUpdate(stream: 1, increment: 0x7FFF_FFFF)
        },
        .connectionError(
            "5.8/6",
            "an increment above 2³¹−1 is handled as a window overflow",
            claims: [.init("5.8", "An increment above 2³¹−1 is handled as a window overflow")],
            code: ErrorCodeName.flowControlError
        ) { _ in
            RawFrame.windowUpdate(stream: 0, increment: 0x8000_0000)
        },
        ConformanceCase(
            "6/1",
            "settings in any order, one repeated: the last value wins",
            claims: [
                .init(
                    "6",
                    "A receiver MUST accept any subset, in any order, including a setting repeated (the last value wins)"
                )
            ]
        ) { context in
            let session = try await context.session(settings: [
                (SettingID.maxFrameSize, 1024), (SettingID.codecs, 0), (SettingID.maxFrameSize, 2048),
            ])
            session.send(
                RawFrame.unary(
                    stream: 1,
                    method: TestMethod.streamBytes,
                    message: ProtobufWriter.streamRequest(count: 1, size: 6000)
                )
            )
            let response = try await session.readResponse(1)
            let lengths = response.frames.filter { $0.kind == .data }.map(\.length)
            guard lengths.allSatisfy({ $0 <= 2048 }), lengths.contains(where: { $0 > 1024 }) else {
                throw CaseFailure(
                    expected: "DATA of up to 2048 bytes, some above 1024",
                    seen: "DATA lengths \(lengths)"
                )
            }
        },
        ConformanceSuite.settingOutOfRange("6/2", (SettingID.maxFrameSize, 1023), code: ErrorCodeName.protocolError),
        ConformanceSuite.settingOutOfRange(
            "6/3",
            (SettingID.maxFrameSize, 16_777_216),
            code: ErrorCodeName.protocolError
        ),
        ConformanceSuite.settingOutOfRange("6/4", (SettingID.maxMessageSize, 0), code: ErrorCodeName.protocolError),
        ConformanceSuite.settingOutOfRange(
            "6/5",
            (SettingID.initialStreamWindow, 0x8000_0000),
            code: ErrorCodeName.flowControlError
        ),
        ConformanceSuite.settingOutOfRange(
            "6/6",
            (SettingID.connectionWindow, 0x8000_0000),
            code: ErrorCodeName.flowControlError
        ),
    ]

    private static func settingOutOfRange(_ id: String, _ setting: (UInt16, UInt32), code: UInt32) -> ConformanceCase {
        ConformanceCase(
            id,
            "setting 0x\(setting.0) = \(setting.1) is a connection error \(ErrorCodeName.name(code))",
            claims: [
                .init("6", "A value outside its range is a connection error PROTOCOL_ERROR"),
                .init("16.3", "Setting value out of range"),
            ]
        ) { context in
            let session = Session(connection: try await context.connect(), context: context)
            session.send(RawFrame.preface() + RawFrame.settings([setting]))
            try await session.readPrologue()
            try await session.expectGoAway(code)
        }
    }
}

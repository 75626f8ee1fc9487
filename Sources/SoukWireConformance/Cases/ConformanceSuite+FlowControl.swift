/// PROTOCOL.md §13: the server keeps within the client's windows, and returns credit for what it receives.
extension ConformanceSuite {
    static let flowControl: [ConformanceCase] = [
        ConformanceSuite.windowRespected(
            "13/1",
            "the server sends no more DATA on a stream than the client's INITIAL_STREAM_WINDOW until credited",
            setting: SettingID.initialStreamWindow,
            creditStream: 1
        ),
        ConformanceSuite.windowRespected(
            "13/2",
            "the server sends no more DATA on the connection than the client's CONNECTION_WINDOW until credited",
            setting: SettingID.connectionWindow,
            creditStream: 0
        ),
        ConformanceCase(
            "13/3",
            "with INITIAL_STREAM_WINDOW 0 the server sends no DATA until a WINDOW_UPDATE",
            claims: [.init("6", "Initial flow-control credit of every new stream for DATA sent to the sender")]
        ) { context in
            let session = try await context.session(settings: [(SettingID.initialStreamWindow, 0)])
            session.send(
                RawFrame.unary(stream: 1, method: TestMethod.echo, message: ProtobufWriter.payload(body: [1, 2, 3]))
            )
            try await session.expectAlive()
            try await session.expectAlive()
            for frame in session.seenFrames where frame.kind == .data {
                throw CaseFailure(expected: "no DATA before credit", seen: "\(frame)")
            }
            session.send(RawFrame.windowUpdate(stream: 1, increment: 100))
            let response = try await session.readResponse(1)
            guard response.trailers?.code == 0, response.messages.count == 1 else {
                throw CaseFailure(expected: "the echo once credited", seen: "\(response.frames)")
            }
        },
        ConformanceCase(
            "13/4",
            "a message larger than the stream window completes: credit for its fragments is returned as they arrive",
            claims: [
                .init(
                    "13",
                    "So the receiver MUST NOT hold back credit for the fragments of a message that is still being reassembled"
                )
            ]
        ) { context in
            let session = try await context.session(settings: [
                (SettingID.initialStreamWindow, 0x7FFF_FFFF), (SettingID.connectionWindow, 0x7FFF_FFFF),
            ])
            let size = session.initialStreamWindow + 65_536
            guard size + 16 <= session.setting(SettingID.maxMessageSize) else {
                throw CaseSkipped("the stream window is not below MAX_MESSAGE_SIZE")
            }
            let message = ProtobufWriter.payload(body: [UInt8](repeating: 0x5A, count: size))
            session.send(RawFrame.headers(stream: 1, method: TestMethod.echo))
            try await session.sendMessage(message, on: 1, lastFlags: FrameFlag.endMessage | FrameFlag.endStream)
            let response = try await session.readResponse(1)
            guard response.trailers?.code == 0, response.messages.first?.count == message.count else {
                throw CaseFailure(
                    expected: "the \(message.count)-byte message echoed",
                    seen: "status \(response.trailers?.code ?? 99)"
                )
            }
        },
        ConformanceCase(
            "13/5",
            "a changed INITIAL_STREAM_WINDOW shifts the window of an open stream by the difference",
            claims: [
                .init(
                    "6",
                    "A changed INITIAL_STREAM_WINDOW changes the send window of every open stream by the difference"
                )
            ]
        ) { context in
            let session = try await context.session(settings: [(SettingID.initialStreamWindow, 0)])
            session.send(
                RawFrame.unary(stream: 1, method: TestMethod.echo, message: ProtobufWriter.payload(body: [9, 9]))
            )
            try await session.expectAlive()
            session.send(RawFrame.settings([(SettingID.initialStreamWindow, 1000)]))
            let response = try await session.readResponse(1)
            guard response.trailers?.code == 0, response.messages.count == 1 else {
                throw CaseFailure(expected: "the echo once the window grew", seen: "\(response.frames)")
            }
        },
        ConformanceCase(
            "13/6",
            "DATA on a closed stream is returned to the connection window",
            claims: [
                .init(
                    "13",
                    "DATA on closed or cancelled streams, and unconsumed messages of a stream that is cancelled, still count against the connection window and are returned to it"
                )
            ]
        ) { context in
            let session = try await context.session()
            try await session.unary(1)
            let window = session.connectionWindow
            // One connection window of discarded DATA: without credit returned, the last frame would overrun it.
            let frame = session.setting(SettingID.maxFrameSize)
            var sent = 0
            while sent < window + frame {
                guard try await session.spendCredit(frame, on: 1, connectionOnly: true) else { break }
                session.connection.send(
                    RawFrame.data(stream: 1, flags: 0, payload: [UInt8](repeating: 0, count: frame))
                )
                sent += frame
            }
            try await session.expectAlive()
            try await session.unary(3)
        },
        ConformanceCase(
            "13/7",
            "with no stream credit, HEADERS, an empty message and TRAILERS still arrive: they take no credit",
            claims: [
                .init(
                    "13",
                    "HEADERS, TRAILERS and control frames are not flow-controlled; zero-length DATA frames consume no credit"
                )
            ]
        ) { context in
            let session = try await context.session(settings: [(SettingID.initialStreamWindow, 0)])
            let response = try await session.unary(1, method: TestMethod.emptyCall, message: [])
            guard response.messages == [[]] else {
                throw CaseFailure(expected: "one empty message", seen: "\(response.frames)")
            }
        },
    ]

    private static func windowRespected(
        _ id: String,
        _ title: String,
        setting: UInt16,
        creditStream: UInt32
    )
        -> ConformanceCase
    {
        ConformanceCase(
            id,
            title,
            claims: [
                .init("13", "A sender MUST NOT send DATA that would take either window below zero"),
                .init("6", "Initial connection-level credit for DATA sent to the sender"),
            ]
        ) { context in
            let window = 1000
            let session = try await context.session(settings: [(setting, UInt32(window))])
            session.send(
                RawFrame.unary(
                    stream: 1,
                    method: TestMethod.streamBytes,
                    message: ProtobufWriter.streamRequest(count: 4, size: 700)
                )
            )
            var received = 0
            while received < window {
                let frame = try await session.next()
                if frame.kind == .data { received += frame.length }
                if frame.kind == .trailers || frame.kind == .cancel {
                    throw CaseFailure(expected: "the stream to wait for credit", seen: "\(frame)")
                }
            }
            // Whatever the server wrote before our PING's ACK is in; a compliant server has written nothing more.
            try await session.expectAlive()
            for frame in session.takePending() where frame.kind == .data { received += frame.length }
            guard received <= window else {
                throw CaseFailure(expected: "at most \(window) DATA bytes before credit", seen: "\(received)")
            }
            session.send(RawFrame.windowUpdate(stream: creditStream, increment: 1_000_000))
            let response = try await session.readResponse(1)
            guard response.trailers?.code == 0 else {
                throw CaseFailure(expected: "the stream to finish once credited", seen: "\(response.frames)")
            }
        }
    }
}

/// PROTOCOL.md §7: stream ids, states and concurrency.
extension ConformanceSuite {
    static let streams: [ConformanceCase] = [
        .connectionError(
            "7.1/1",
            "client HEADERS with an even id is a connection error PROTOCOL_ERROR",
            claims: [
                .init(
                    "7.1",
                    "A client HEADERS frame whose id is even, or not greater than the highest opened id, is a connection error PROTOCOL_ERROR"
                ),
                .init("16.3", "Client HEADERS with an even id"),
            ],
            code: ErrorCodeName.protocolError
        ) { _ in
            RawFrame.unary(stream: 2, method: TestMethod.echo, message: [])
        },
        ConformanceCase(
            "7.1/2",
            "client HEADERS reusing a closed id is a connection error PROTOCOL_ERROR",
            claims: [.init("7.1", "not greater than the highest opened id")]
        ) { context in
            let session = try await context.session()
            try await session.unary(3)
            session.send(RawFrame.unary(stream: 1, method: TestMethod.echo, message: []))
            try await session.expectGoAway(ErrorCodeName.protocolError)
        },
        ConformanceCase(
            "7.1/3",
            "client HEADERS on a stream still open is a connection error PROTOCOL_ERROR",
            claims: [.init("16.3", "or an id not above the highest opened (reuse)")]
        ) { context in
            let session = try await context.session()
            session.openSleep(1)
            session.send(RawFrame.headers(stream: 1, method: TestMethod.echo))
            try await session.expectGoAway(ErrorCodeName.protocolError)
        },
        .connectionError(
            "7.1/4",
            "DATA on an idle odd id is a connection error PROTOCOL_ERROR",
            claims: [
                .init("7.1", "DATA, TRAILERS, or a server HEADERS on an idle id is a connection error PROTOCOL_ERROR"),
                .init("16.3", "DATA, TRAILERS or server HEADERS on a never-opened (idle) stream"),
            ],
            code: ErrorCodeName.protocolError
        ) { _ in
            RawFrame.data(stream: 5, flags: FrameFlag.endMessage, payload: [])
        },
        ConformanceCase(
            "7.1/5",
            "DATA on an even id, below the highest opened, is idle: a connection error PROTOCOL_ERROR",
            claims: [.init("7.1", "idle if it is even, or odd and greater than the highest opened id")]
        ) { context in
            let session = try await context.session()
            try await session.unary(3)
            session.send(RawFrame.data(stream: 2, flags: FrameFlag.endMessage, payload: [1]))
            try await session.expectGoAway(ErrorCodeName.protocolError)
        },
        .discarded(
            "7.1/6",
            "WINDOW_UPDATE and CANCEL on an idle id are discarded",
            claims: [
                .init("7.1", "WINDOW_UPDATE and CANCEL on an idle id are discarded"),
                .init("16.3", "WINDOW_UPDATE or CANCEL on a never-opened stream"),
            ]
        ) { _ in
            RawFrame.windowUpdate(stream: 9, increment: 100) + RawFrame.cancel(stream: 11, code: 1)
                + RawFrame.windowUpdate(stream: 4, increment: 100)
        },
        .discarded(
            "7.1/7",
            "every frame on a closed stream is discarded",
            claims: [
                .init("7.1", "Every frame on a closed stream is discarded"),
                .init("16.3", "Any frame on a closed stream"),
            ]
        ) { _ in
            RawFrame.data(stream: 1, flags: FrameFlag.endMessage, payload: [0x0A, 0x01, 0x41])
                + RawFrame.windowUpdate(stream: 1, increment: 100) + RawFrame.cancel(stream: 1, code: 1)
        },
        ConformanceCase(
            "7.1/8",
            "odd ids the client skipped count as closed: their DATA is discarded",
            claims: [.init("7.1", "including odd ids the client skipped")]
        ) { context in
            let session = try await context.session()
            try await session.unary(7)
            session.send(RawFrame.data(stream: 3, flags: FrameFlag.endMessage, payload: [1]))
            try await session.expectAlive()
            try await session.unary(9)
        },
        ConformanceCase(
            "7.2/1",
            "a server that answers before the client half-closes discards what the client still sends",
            claims: [
                .init(
                    "7.2",
                    "a server that answers before the client has half-closed simply discards whatever the client still sends"
                )
            ]
        ) { context in
            let session = try await context.session()
            session.send(RawFrame.headers(stream: 1, method: "/no.such.Service/Method"))
            let end = try await session.readStreamEnd(1, expected: "TRAILERS UNIMPLEMENTED before END_STREAM")
            guard end.kind == .trailers else { throw CaseFailure(expected: "TRAILERS", seen: "\(end)") }
            session.send(
                RawFrame.data(stream: 1, flags: FrameFlag.endMessage, payload: [0x0A, 1, 1])
                    + RawFrame.data(stream: 1, flags: FrameFlag.endStream, payload: [])
            )
            try await session.expectAlive()
            try await session.unary(3)
        },
        ConformanceCase(
            "7.4/1",
            "a HEADERS beyond MAX_CONCURRENT_STREAMS is answered at once with CANCEL(UNAVAILABLE), the id counting as opened",
            claims: [
                .init("7.4", "A HEADERS that would exceed the limit is answered at once with CANCEL(UNAVAILABLE)"),
                .init("16.3", "More streams than MAX_CONCURRENT_STREAMS"),
            ]
        ) { context in
            let session = try await context.session()
            let limit = session.setting(SettingID.maxConcurrentStreams)
            guard limit <= 1000 else { throw CaseSkipped("MAX_CONCURRENT_STREAMS \(limit) is too many to open") }
            var bytes: [UInt8] = []
            for index in 0..<limit {
                bytes += RawFrame.unary(
                    stream: UInt32(2 * index + 1),
                    method: TestMethod.sleep,
                    message: ProtobufWriter.sleepRequest(milliseconds: 60_000)
                )
            }
            session.send(bytes)
            let extra = UInt32(2 * limit + 1)
            session.send(RawFrame.unary(stream: extra, method: TestMethod.echo, message: []))
            let end = try await session.readStreamEnd(extra, expected: "CANCEL(14) on stream \(extra)")
            guard end.cancelCode == 14 else {
                throw CaseFailure(expected: "CANCEL(14) on stream \(extra)", seen: "\(end)")
            }
            session.send((0..<limit).flatMap { RawFrame.cancel(stream: UInt32(2 * $0 + 1), code: 1) })
            try await session.expectAlive()
            // The refused id counts as opened: reusing it is a connection error.
            session.send(RawFrame.unary(stream: extra, method: TestMethod.echo, message: []))
            try await session.expectGoAway(ErrorCodeName.protocolError)
        },
    ]
}

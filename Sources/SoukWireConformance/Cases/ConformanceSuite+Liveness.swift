/// PROTOCOL.md §14 (ping policing) and §15 (GOAWAY and the graceful drain).
extension ConformanceSuite {
    static let liveness: [ConformanceCase] = [
        ConformanceCase(
            "14/1",
            "three PINGs at once with no stream open get GOAWAY(ENHANCE_YOUR_CALM, \"too many pings\")",
            claims: [
                .init("14", "it sends GOAWAY(last accepted id, ENHANCE_YOUR_CALM, \"too many pings\") and closes"),
                .init("16.3", "More than 2 PINGs within KEEPALIVE_MIN_INTERVAL_MS with no stream open"),
            ]
        ) { context in
            let session = try await context.session()
            guard session.setting(SettingID.keepaliveMinimumIntervalMilliseconds) >= 1000 else {
                throw CaseSkipped("KEEPALIVE_MIN_INTERVAL_MS below 1 s")
            }
            session.send(RawFrame.ping(1) + RawFrame.ping(2) + RawFrame.ping(3))
            let goAway = try await session.expectGoAway(ErrorCodeName.enhanceYourCalm)
            guard goAway.goAway?.debug == "too many pings" else {
                throw CaseFailure(expected: "debug text \"too many pings\"", seen: "\(goAway)")
            }
        },
        ConformanceCase(
            "14/2",
            "PINGs while a stream is open, and PING ACKs, are not counted",
            claims: [.init("14", "PINGs while a stream is open, and PING ACKs, are not counted")]
        ) { context in
            let session = try await context.session()
            session.send((1...5).flatMap { RawFrame.ping(UInt64($0), ack: true) })
            session.openSleep(1)
            session.send((1...5).flatMap { RawFrame.ping(UInt64($0)) })
            try await session.expectAlive()
            session.send(RawFrame.cancel(stream: 1, code: 1))
            try await session.expectAlive()
        },
        ConformanceCase(
            "14/3",
            "a PING after KEEPALIVE_MIN_INTERVAL_MS of quiet starts the count again",
            claims: [
                .init("14", "if at least two other such PINGs arrived within the preceding KEEPALIVE_MIN_INTERVAL_MS")
            ]
        ) { context in
            let session = try await context.session()
            let interval = session.setting(SettingID.keepaliveMinimumIntervalMilliseconds)
            guard interval <= 3000 else {
                throw CaseSkipped("KEEPALIVE_MIN_INTERVAL_MS \(interval) is too long to wait out")
            }
            // Two PINGs at once (the second a strike), a quiet interval, then two more: within the interval before
            // the fourth there is only the third, so all four are answered.
            session.send(RawFrame.ping(1) + RawFrame.ping(2))
            try await ConformanceSuite.expectPingAcks(session, [1, 2])
            // A lower bound: a slower machine only waits longer, which cannot change the verdict.
            try await Task.sleep(for: .milliseconds(interval + interval / 2 + 100))
            session.send(RawFrame.ping(3) + RawFrame.ping(4))
            try await ConformanceSuite.expectPingAcks(session, [3, 4])
            try await session.unary(1)
        },
        ConformanceCase(
            "15/1",
            "a drain: GOAWAY(2³¹−1, NO_ERROR) and a PING, then after the ACK a GOAWAY naming the last stream",
            claims: [
                .init("5.7", "last_stream_id MUST NOT increase between them"),
                .init(
                    "15",
                    "When the PING ACK arrives, every stream the client opened before it saw the first GOAWAY has arrived"
                ),
            ],
            requires: [.drain]
        ) { context in
            let session = try await context.session()
            try await session.unary(1)
            try await context.target.beginDrain?()
            var lastIDs: [UInt32] = []
            while true {
                let frame = try await session.next()
                if let goAway = frame.goAway {
                    guard goAway.code == ErrorCodeName.noError else {
                        throw CaseFailure(expected: "GOAWAY NO_ERROR", seen: "\(frame)")
                    }
                    lastIDs.append(goAway.lastStreamID)
                    if lastIDs.count == 2 { break }
                } else if frame.kind == .ping, !frame.has(FrameFlag.ack) {
                    guard lastIDs == [0x7FFF_FFFF] else {
                        throw CaseFailure(expected: "GOAWAY(2³¹−1) before the drain PING", seen: "\(frame)")
                    }
                    session.send(RawFrame.frame(.ping, flags: FrameFlag.ack, stream: 0, payload: frame.payload))
                }
            }
            guard lastIDs == [0x7FFF_FFFF, 1] else {
                throw CaseFailure(expected: "GOAWAY last ids 2147483647 then 1", seen: "\(lastIDs)")
            }
            _ = try await session.readUntilClosed()
        },
        ConformanceCase(
            "15/2",
            "during a drain, a stream opened before the PING ACK is accepted and completes",
            claims: [.init("15", "Streams at or below that id run to completion")],
            requires: [.drain]
        ) { context in
            let session = try await context.session()
            // A finished call first: the server is serving this connection when the drain begins.
            try await session.unary(1)
            try await context.target.beginDrain?()
            let first = try await session.next()
            guard first.goAway?.lastStreamID == 0x7FFF_FFFF else {
                throw CaseFailure(expected: "GOAWAY(2³¹−1, NO_ERROR)", seen: "\(first)")
            }
            // Sent before the drain PING's ACK: the server must take it.
            try await session.unary(3)
        },
        ConformanceCase(
            "15/3",
            "a connection error's GOAWAY names the last stream the server accepted",
            claims: [.init("15", "The detecting side sends GOAWAY(last accepted stream id")]
        ) { context in
            let session = try await context.session()
            try await session.unary(5)
            session.send(RawFrame.windowUpdate(stream: 0, increment: 0))
            let goAway = try await session.expectGoAway(ErrorCodeName.protocolError)
            guard goAway.goAway?.lastStreamID == 5 else {
                throw CaseFailure(expected: "GOAWAY last_stream_id 5", seen: "\(goAway)")
            }
        },
        ConformanceCase(
            "15/4",
            "a client's GOAWAY(0, NO_ERROR) leaves its open calls to finish",
            claims: [
                .init("5.7", "highest stream id the sender has accepted (0 from a client)"),
                .init("11", "Every call ends with exactly one of"),
            ]
        ) { context in
            let session = try await context.session()
            session.send(
                RawFrame.headers(stream: 1, method: TestMethod.echo)
                    + RawFrame.data(stream: 1, flags: FrameFlag.endMessage, payload: [0x0A, 1, 0x2A])
                    + RawFrame.goAway(lastStreamID: 0, code: ErrorCodeName.noError, debug: "closing")
                    + RawFrame.data(stream: 1, flags: FrameFlag.endStream, payload: [])
            )
            let response = try await session.readResponse(1)
            guard response.trailers?.code == 0, response.messages == [[0x0A, 1, 0x2A]] else {
                throw CaseFailure(expected: "the echo, status 0", seen: "\(response.frames)")
            }
        },
        ConformanceCase(
            "15/5",
            "after a client's GOAWAY with an error code the server closes the connection",
            claims: [.init("16.1", "A connection error ends the connection")]
        ) { context in
            let session = try await context.session()
            try await session.unary(1)
            session.send(RawFrame.goAway(lastStreamID: 0, code: ErrorCodeName.protocolError, debug: "test"))
            _ = try await session.readUntilClosed()
        },
    ]

    private static func expectPingAcks(_ session: Session, _ opaques: [UInt64]) async throws {
        for opaque in opaques {
            let frame = try await session.next()
            guard frame.kind == .ping, frame.has(FrameFlag.ack), frame.payload == RawFrame.u64(opaque) else {
                throw CaseFailure(expected: "PING ACK \(opaque), no GOAWAY", seen: "\(frame)")
            }
        }
    }
}

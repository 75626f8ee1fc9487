import NIOSSL

/// PROTOCOL.md §2 (transport) and §3 (preface, version, first SETTINGS).
extension ConformanceSuite {
    static let handshake: [ConformanceCase] = [
        ConformanceCase(
            "2/1",
            "a TLS 1.2-only client is refused",
            claims: [.init("2", "Implementations MUST NOT negotiate an older TLS version")],
            requires: [.tls]
        ) { context in
            let connection = try await context.connect(tls: ConformanceSuite.tls(maximumVersion: .tlsv12))
            if case .success = await connection.handshake() {
                throw CaseFailure(expected: "the TLS 1.2 handshake to fail", seen: "it completed")
            }
        },
        ConformanceCase(
            "2/2",
            "the server selects ALPN swp/1",
            claims: [.init("2", "The client MUST offer swp/1 in its ALPN extension; the server MUST select it")],
            requires: [.tls]
        ) { context in
            let connection = try await context.connect()
            let result = await connection.handshake()
            guard case .success(let alpn) = result, alpn == "swp/1" else {
                throw CaseFailure(expected: "a handshake selecting swp/1", seen: "\(result)")
            }
        },
        ConformanceSuite.noSWPByte("2/3", "a client offering no ALPN gets no SWP byte", protocols: []),
        ConformanceSuite.noSWPByte("2/4", "a client offering only h2 gets no SWP byte", protocols: ["h2"]),
        ConformanceCase(
            "2/5",
            "a plaintext client on the TLS port gets no SWP byte",
            claims: [.init("2", "A side MUST NOT fall back from TLS to plaintext on its own")],
            requires: [.tls]
        ) { context in
            var options = RawConnection.TLSOptions()
            options.isPlaintext = true
            let connection = try await context.connect(tls: options)
            connection.send(RawFrame.preface() + RawFrame.settings())
            let answer = await connection.readBytes(8)
            if answer.starts(with: RawFrame.preface().prefix(6)) {
                throw CaseFailure(expected: "no SWP preface over plaintext", seen: "an SWP preface")
            }
        },
        ConformanceCase(
            "3/1",
            "the server answers with its preface, SETTINGS first, and an ACK of the client's SETTINGS",
            claims: [
                .init("3", "The first frame after a preface MUST be SETTINGS"),
                .init("3", "Each side acknowledges the other's SETTINGS with a SETTINGS frame that has the ACK flag"),
            ]
        ) { context in
            let session = try await context.session()
            try await session.expectAlive()
            guard session.settingsAcks == 1 else {
                throw CaseFailure(expected: "one SETTINGS ACK", seen: "\(session.settingsAcks)")
            }
        },
        ConformanceCase(
            "3/2",
            "a wrong preface magic is closed without any byte written",
            claims: [
                .init("3", "the server closes the connection without writing anything"),
                .init("16.3", "Preface magic is not"),
            ]
        ) { context in
            let connection = try await context.connect()
            connection.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            switch await connection.readFrame() {
            case .closed(let leftover) where leftover.isEmpty: return
            case let other: throw CaseFailure(expected: "EOF with no bytes", seen: "\(other)")
            }
        },
        ConformanceCase(
            "3/3",
            "major version 2 gets the server's preface, GOAWAY(0, VERSION_UNSUPPORTED), no SETTINGS, close",
            claims: [
                .init("3", "If the major version is not 01, the server sends its own preface"),
                .init("16.3", "Unsupported major version"),
            ]
        ) { context in
            let session = Session(connection: try await context.connect(), context: context)
            session.send(RawFrame.preface(major: 2) + RawFrame.settings())
            let preface = await session.connection.readBytes(8)
            guard preface.starts(with: RawFrame.preface().prefix(7)) else {
                throw CaseFailure(expected: "the server's 1.x preface", seen: "\(preface)")
            }
            let frames = try await session.readUntilClosed()
            guard frames.count == 1, let goAway = frames[0].goAway, goAway.lastStreamID == 0,
                goAway.code == ErrorCodeName.versionUnsupported
            else {
                throw CaseFailure(expected: "exactly GOAWAY(0, VERSION_UNSUPPORTED), then close", seen: "\(frames)")
            }
        },
        ConformanceCase(
            "3/4",
            "a higher minor version is accepted",
            claims: [.init("3", "Minor versions are compatible in both directions")]
        ) { context in
            let session = Session(connection: try await context.connect(), context: context)
            session.send(RawFrame.preface(minor: 9) + RawFrame.settings())
            try await session.readPrologue()
            session.send(RawFrame.settingsAck)
            try await session.unary(1)
        },
        ConformanceCase(
            "3/5",
            "a first frame other than SETTINGS is a connection error PROTOCOL_ERROR",
            claims: [
                .init("3", "Any other first frame is a connection error PROTOCOL_ERROR"),
                .init("16.3", "First frame after the preface not SETTINGS"),
            ]
        ) { context in
            let session = Session(connection: try await context.connect(), context: context)
            session.send(RawFrame.preface() + RawFrame.ping(1))
            let preface = await session.connection.readBytes(8)
            guard preface == RawFrame.preface() else {
                throw CaseFailure(expected: "the server preface", seen: "\(preface)")
            }
            try await session.expectGoAway(ErrorCodeName.protocolError)
        },
        ConformanceCase(
            "3/6",
            "no SETTINGS within 10 s is answered with GOAWAY(SETTINGS_TIMEOUT)",
            claims: [
                .init(
                    "3",
                    "A side that has not received the peer's SETTINGS within 10 seconds of the connection start sends"
                ),
                .init("16.3", "No SETTINGS within 10 s"),
            ]
        ) { context in
            // Waits at most the 10 s the rule allows plus the read timeout: a bound, never a speed.
            let connection = try await context.connect(readTimeout: .seconds(10) + context.target.readTimeout)
            let session = Session(connection: connection, context: context)
            session.send(RawFrame.preface())
            let preface = await connection.readBytes(8)
            guard preface == RawFrame.preface() else {
                throw CaseFailure(expected: "the server preface", seen: "\(preface)")
            }
            context.log("S→C preface")
            try await session.expectGoAway(ErrorCodeName.settingsTimeout)
        },
    ]

    private static func tls(maximumVersion: TLSVersion) -> RawConnection.TLSOptions {
        var options = RawConnection.TLSOptions()
        options.maximumVersion = maximumVersion
        return options
    }

    private static func noSWPByte(_ id: String, _ title: String, protocols: [String]) -> ConformanceCase {
        ConformanceCase(
            id,
            title,
            claims: [
                .init("2", "MUST NOT speak SWP on that connection"),
                .init("16.3", "TLS without swp/1"),
            ],
            requires: [.tls]
        ) { context in
            var options = RawConnection.TLSOptions()
            options.applicationProtocols = protocols
            let connection = try await context.connect(tls: options)
            guard case .success = await connection.handshake() else { return }  // An aborted handshake is allowed.
            connection.send(RawFrame.preface() + RawFrame.settings())
            switch await connection.readFrame() {
            case .closed(let leftover) where leftover.isEmpty: return
            case let other: throw CaseFailure(expected: "close without any SWP byte", seen: "\(other)")
            }
        }
    }
}

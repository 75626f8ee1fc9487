/// §3: the server's preface and SETTINGS, as a client sees them.
extension ClientSuite {
    static let handshake: [ClientCase] = [
        ClientCase(
            "3/c1",
            "a server that never sends SETTINGS: the client sends GOAWAY(SETTINGS_TIMEOUT), closes, and the call fails UNAVAILABLE",
            claims: [.init("3", "A side that has not received the peer's SETTINGS within 10 seconds")],
            expect: [Code.unavailable],
            frames: [.sendsGoAway(code: ErrorCodeName.settingsTimeout)]
        ) { peer in
            try await peer.readPrologue()
            peer.send(RawFrame.preface())
            try await peer.readUntilClosed()
        },
        ClientCase(
            "3/c2",
            "a server preface with wrong magic: the client closes the connection and the call fails UNAVAILABLE",
            claims: [.init("3", "A client receiving a server preface with wrong magic closes the connection")],
            expect: [Code.unavailable]
        ) { peer in
            try await peer.readPrologue()
            peer.send(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8))
            try await peer.readUntilClosed()
        },
        ClientCase(
            "3/c3",
            "a server preface of major version 2: the client sends GOAWAY(0, VERSION_UNSUPPORTED), closes, and the call fails UNAVAILABLE",
            claims: [
                .init("3", "one receiving a major version other than 1 sends GOAWAY(0, VERSION_UNSUPPORTED) and closes")
            ],
            expect: [Code.unavailable],
            frames: [.sendsGoAway(code: ErrorCodeName.versionUnsupported)]
        ) { peer in
            try await peer.readPrologue()
            peer.send(RawFrame.preface(major: 2) + RawFrame.settings())
            try await peer.readUntilClosed()
        },
        ClientCase(
            "3/c4",
            "a server that never acknowledges the client's SETTINGS: the call still succeeds (the client need not wait for the ACK)",
            claims: [.init("3", "it need not wait for the ACK of its own SETTINGS")],
            expect: [Code.ok]
        ) { peer in
            try await peer.handshake(acknowledges: false)
            let call = try await peer.nextCall()
            try await peer.readRequest(on: call.streamID)
            peer.answer(call.streamID)
            try await peer.readUntilClosed()
        },
        ClientCase(
            "3/c5",
            "a server whose first frame is PING, not SETTINGS: the client sends GOAWAY(PROTOCOL_ERROR), closes, and the call fails UNAVAILABLE",
            claims: [.init("3", "Any other first frame is a connection error PROTOCOL_ERROR")],
            expect: [Code.unavailable],
            frames: [.sendsGoAway(code: ErrorCodeName.protocolError)]
        ) { peer in
            try await peer.readPrologue()
            peer.send(RawFrame.preface() + RawFrame.ping(7))
            try await peer.readUntilClosed()
        },
    ]
}

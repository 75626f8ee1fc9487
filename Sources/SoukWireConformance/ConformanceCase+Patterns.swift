/// The shapes most cases share: send something wrong, expect a connection error, a stream error, or nothing.
extension ConformanceCase {
    /// After the handshake, `bytes` must end the connection with GOAWAY(`code`).
    package static func connectionError(
        _ id: String,
        _ title: String,
        claims: [Claim],
        settings: [(UInt16, UInt32)] = [],
        code: UInt32,
        bytes: @escaping @Sendable (Session) -> [UInt8]
    ) -> ConformanceCase {
        ConformanceCase(id, title, claims: claims) { context in
            let session = try await context.session(settings: settings)
            session.send(bytes(session))
            try await session.expectGoAway(code)
        }
    }

    /// With a call open on stream 1 (``Session/openSleep(_:)``), `bytes` must be answered by CANCEL(`code`) on
    /// stream 1, and the connection must go on.
    package static func streamError(
        _ id: String,
        _ title: String,
        claims: [Claim],
        code: UInt32,
        bytes: @escaping @Sendable (Session) -> [UInt8]
    ) -> ConformanceCase {
        ConformanceCase(id, title, claims: claims) { context in
            let session = try await context.session()
            session.openSleep(1)
            session.send(bytes(session))
            try await session.expectCancel(1, code: code)
        }
    }

    /// After the handshake and one call, `bytes` must change nothing: the connection answers a PING and a call.
    package static func discarded(
        _ id: String,
        _ title: String,
        claims: [Claim],
        bytes: @escaping @Sendable (Session) -> [UInt8]
    ) -> ConformanceCase {
        ConformanceCase(id, title, claims: claims) { context in
            let session = try await context.session()
            try await session.unary(1)
            session.send(bytes(session))
            try await session.expectAlive()
            try await session.unary(3)
        }
    }
}

/// The server's end of one client-case connection: reads what the client sends, frame by frame, and records it;
/// sends whatever bytes the script gives, right or wrong.
package final class ServedPeer: @unchecked Sendable {
    // @unchecked: a peer belongs to the one task that plays its case's script.

    /// The raw connection.
    package let connection: RawConnection
    /// Every frame read from the client, in order.
    package private(set) var frames: [SeenFrame] = []
    /// The streams whose END_STREAM the client has sent.
    private var endedStreams: Set<UInt32> = []
    /// The client's settings (§6 defaults for what it did not send), once ``readPrologue()`` ran.
    package private(set) var clientSettings: [UInt16: UInt32] = Session.defaultSettings

    /// Called for each HEADERS read.
    private let onHeaders: @Sendable () -> Void

    init(connection: RawConnection, onHeaders: @escaping @Sendable () -> Void = {}) {
        self.connection = connection
        self.onHeaders = onHeaders
    }

    /// Sends bytes as they are.
    package func send(_ bytes: [UInt8]) {
        self.connection.send(bytes)
    }

    /// Reads the client's preface and SETTINGS (§3 step 1).
    ///
    /// - Throws: ``CaseFailure`` when the client sends something else first.
    package func readPrologue() async throws {
        let preface = await self.connection.readBytes(8)
        guard preface == RawFrame.preface() else {
            throw CaseFailure(expected: "the client preface 53 4F 55 4B 0D 0A 01 00", seen: "\(preface)")
        }
        let settings = try await self.next()
        guard settings.kind == .settings, !settings.has(FrameFlag.ack) else {
            throw CaseFailure(expected: "SETTINGS as the client's first frame", seen: "\(settings)")
        }
        let payload = settings.payload
        var index = 0
        while index + 6 <= payload.count {
            let id = UInt16(payload[index]) << 8 | UInt16(payload[index + 1])
            self.clientSettings[id] = payload[index + 2..<index + 6].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            index += 6
        }
    }

    /// Plays §3 correctly: reads the client's prologue, sends the server preface and `settings`, and, unless
    /// `acknowledges` is false, the ACK of the client's SETTINGS.
    package func handshake(settings: [(UInt16, UInt32)] = [], acknowledges: Bool = true) async throws {
        try await self.readPrologue()
        self.send(RawFrame.preface() + RawFrame.settings(settings) + (acknowledges ? RawFrame.settingsAck : []))
    }

    /// A client setting.
    package func clientSetting(_ id: UInt16) -> Int { Int(self.clientSettings[id] ?? 0) }

    /// The next frame from the client.
    ///
    /// - Throws: ``CaseFailure`` when the connection closes or nothing arrives within the read timeout.
    package func next() async throws -> SeenFrame {
        switch await self.connection.readFrame() {
        case .frame(let frame):
            self.frames.append(frame)
            if frame.kind == .headers { self.onHeaders() }
            if frame.kind == .data || frame.kind == .headers, frame.has(FrameFlag.endStream) {
                self.endedStreams.insert(frame.streamID)
            }
            return frame
        case .closed:
            throw CaseFailure(expected: "another frame from the client", seen: "the connection closed")
        case .timedOut:
            throw CaseFailure(expected: "another frame from the client", seen: "nothing within the read timeout")
        }
    }

    /// Reads until the client opens a stream (HEADERS) and returns that frame; PINGs are answered on the way.
    package func nextCall() async throws -> SeenFrame {
        while true {
            let frame = try await self.next()
            if frame.kind == .headers { return frame }
            if frame.kind == .ping, !frame.has(FrameFlag.ack) {
                self.send(RawFrame.ping(UInt64(frame.payload.reduce(0) { $0 << 8 | Int($1) }), ack: true))
            }
        }
    }

    /// Reads until the client has ended its half of `stream` (END_STREAM on HEADERS or DATA), if it has not yet.
    package func readRequest(on stream: UInt32) async throws {
        while !self.endedStreams.contains(stream) {
            _ = try await self.next()
        }
    }

    /// Answers `stream` as a healthy server would: an empty response message, then TRAILERS with `code`.
    package func answer(_ stream: UInt32, code: UInt32 = 0) {
        let trailers = ProtobufReader.canonical(.init(code: code, message: "", metadata: []))
        self.send(
            (code == 0 ? RawFrame.data(stream: stream, flags: FrameFlag.endMessage, payload: []) : [])
                + RawFrame.frame(.trailers, stream: stream, payload: trailers)
        )
    }

    /// Reads, and records, until the client closes the connection; answers PINGs meanwhile.
    ///
    /// - Throws: ``CaseFailure`` when the connection stays open past the read timeout.
    package func readUntilClosed() async throws {
        while true {
            switch await self.connection.readFrame() {
            case .frame(let frame):
                self.frames.append(frame)
                if frame.kind == .headers { self.onHeaders() }
                if frame.kind == .ping, !frame.has(FrameFlag.ack) {
                    self.send(RawFrame.ping(UInt64(frame.payload.reduce(0) { $0 << 8 | Int($1) }), ack: true))
                }
            case .closed:
                return
            case .timedOut:
                throw CaseFailure(expected: "the client to close the connection", seen: "it stayed open")
            }
        }
    }
}

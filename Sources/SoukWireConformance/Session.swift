/// A connection that has done the handshake of PROTOCOL.md §3: it knows the server's settings, tracks the
/// flow-control credit the server grants, and reads frames with the checks most cases share.
///
/// It still never answers for the case: a PING from the server is handed to the case like any other frame.
package final class Session: @unchecked Sendable {
    // @unchecked: a session belongs to the one case task that opened it and is never shared across tasks.

    /// The raw connection.
    package let connection: RawConnection
    /// The case's context.
    package let context: CaseContext
    /// The server's settings (§6 defaults for what it did not send).
    package private(set) var serverSettings: [UInt16: UInt32]
    /// The server's SETTINGS payload as sent.
    package private(set) var serverSettingsPayload: [UInt8] = []
    /// Credit to send DATA on the connection.
    package private(set) var connectionWindow: Int
    /// Credit to send DATA per stream (absent: the initial window).
    package private(set) var streamWindows: [UInt32: Int] = [:]
    /// SETTINGS ACKs received.
    package private(set) var settingsAcks = 0
    /// Every frame read from the server, in order.
    package private(set) var seenFrames: [SeenFrame] = []
    /// Frames read while waiting for something else, handed out first by ``next()``.
    private var pending: [SeenFrame] = []
    /// Whether the prologue was read.
    private var isOpen = false

    /// The §6 defaults.
    package static let defaultSettings: [UInt16: UInt32] = [
        SettingID.maxFrameSize: 65_536, SettingID.maxMessageSize: 4_194_304, SettingID.maxHeaderSize: 16_384,
        SettingID.maxConcurrentStreams: 1_000, SettingID.initialStreamWindow: 1_048_576,
        SettingID.connectionWindow: 4_194_304, SettingID.codecs: 0,
        SettingID.keepaliveMinimumIntervalMilliseconds: 300_000,
    ]

    init(connection: RawConnection, context: CaseContext) {
        self.connection = connection
        self.context = context
        self.serverSettings = Self.defaultSettings
        self.connectionWindow = 4_194_304
    }

    /// Connects, sends the preface and a SETTINGS frame with `settings`, reads the server's preface and SETTINGS,
    /// and acknowledges them.
    ///
    /// - Throws: ``CaseFailure`` when the server does not answer as §3 step 4 says.
    static func open(_ context: CaseContext, settings: [(UInt16, UInt32)]) async throws -> Session {
        let session = Session(connection: try await context.connect(), context: context)
        session.send(RawFrame.preface() + RawFrame.settings(settings))
        try await session.readPrologue()
        session.send(RawFrame.settingsAck)
        return session
    }

    /// Reads the server's preface and first frame, which must be SETTINGS.
    func readPrologue() async throws {
        let preface = await self.connection.readBytes(8)
        guard preface == RawFrame.preface() else {
            throw CaseFailure(expected: "the server preface 53 4F 55 4B 0D 0A 01 00", seen: "\(preface)")
        }
        self.context.log("S→C preface")
        let first = try await self.nextRaw()
        guard first.kind == .settings, !first.has(FrameFlag.ack), first.streamID == 0 else {
            throw CaseFailure(expected: "SETTINGS as the server's first frame", seen: "\(first)")
        }
        self.applySettings(first.payload)
        self.isOpen = true
    }

    private func applySettings(_ payload: [UInt8]) {
        self.serverSettingsPayload = payload
        var index = 0
        while index + 6 <= payload.count {
            let id = UInt16(payload[index]) << 8 | UInt16(payload[index + 1])
            let value = payload[index + 2..<index + 6].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            self.serverSettings[id] = value
            index += 6
        }
        self.connectionWindow = Int(self.serverSettings[SettingID.connectionWindow]!)
    }

    /// A server setting.
    package func setting(_ id: UInt16) -> Int { Int(self.serverSettings[id] ?? 0) }

    /// Sends bytes, logging the frames in them.
    package func send(_ bytes: [UInt8]) {
        Transcript.describeSent(bytes, to: self.context)
        self.connection.send(bytes)
    }

    /// The next frame, whatever it is.
    ///
    /// - Throws: ``CaseFailure`` when the connection closes or nothing arrives within the read timeout.
    package func nextRaw() async throws -> SeenFrame {
        if !self.pending.isEmpty { return self.pending.removeFirst() }
        switch await self.connection.readFrame() {
        case .frame(let frame):
            self.context.log("S→C \(frame)")
            self.seenFrames.append(frame)
            if frame.kind == .windowUpdate, let increment = frame.windowIncrement {
                if frame.streamID == 0 {
                    self.connectionWindow += increment
                } else {
                    self.streamWindows[frame.streamID, default: self.initialStreamWindow] += increment
                }
            }
            if frame.kind == .settings, frame.has(FrameFlag.ack) { self.settingsAcks += 1 }
            return frame
        case .closed(let leftover):
            self.context.log("S→C connection closed" + (leftover.isEmpty ? "" : " after \(leftover.count) stray bytes"))
            throw CaseFailure(expected: "another frame", seen: "the connection closed")
        case .timedOut(let partial):
            self.context.log("… nothing within the read timeout (\(partial.count) bytes of a partial frame)")
            throw CaseFailure(expected: "another frame", seen: "nothing within the read timeout")
        }
    }

    /// The next frame that is not a SETTINGS ACK or a WINDOW_UPDATE (those are counted and credited).
    package func next() async throws -> SeenFrame {
        while true {
            let frame = try await self.nextRaw()
            if frame.kind == .windowUpdate || (frame.kind == .settings && frame.has(FrameFlag.ack)) { continue }
            return frame
        }
    }

    /// Reads until the connection ends; returns what came before.
    ///
    /// - Throws: ``CaseFailure`` when the connection stays open past the read timeout.
    package func readUntilClosed() async throws -> [SeenFrame] {
        var frames: [SeenFrame] = []
        while true {
            switch await self.connection.readFrame() {
            case .frame(let frame):
                self.context.log("S→C \(frame)")
                frames.append(frame)
            case .closed:
                self.context.log("S→C connection closed")
                return frames
            case .timedOut:
                throw CaseFailure(expected: "the server to close the connection", seen: "it stayed open")
            }
        }
    }

    /// The initial send window of a new stream.
    package var initialStreamWindow: Int { self.setting(SettingID.initialStreamWindow) }

    /// Takes every frame already read and held, without reading the socket.
    package func takePending() -> [SeenFrame] {
        defer { self.pending.removeAll() }
        return self.pending
    }

    /// Puts a frame back, to be read again first.
    func unread(_ frame: SeenFrame) {
        self.pending.insert(frame, at: 0)
    }

    /// Spends send credit for `count` DATA bytes on `stream` (with `connectionOnly`, a closed stream: only the
    /// connection window counts), reading WINDOW_UPDATEs until there is enough.
    ///
    /// - Returns: false when the server ended the stream or the connection meanwhile (the frame is kept for ``next()``).
    /// - Throws: ``CaseFailure`` when the credit never comes (a deadlock: §13's rules were not followed).
    @discardableResult
    package func spendCredit(_ count: Int, on stream: UInt32, connectionOnly: Bool = false) async throws -> Bool {
        var held: [SeenFrame] = []
        var isEnded = false
        while self.connectionWindow < count
            || (!connectionOnly && self.streamWindows[stream, default: self.initialStreamWindow] < count)
        {
            let frame = try await self.nextRaw()
            if frame.kind == .goAway || (frame.kind == .cancel && frame.streamID == stream) {
                held.append(frame)
                isEnded = true
                break
            }
            if frame.kind != .windowUpdate { held.append(frame) }
        }
        self.pending += held
        self.connectionWindow -= count
        self.streamWindows[stream, default: self.initialStreamWindow] -= count
        return !isEnded
    }
}

/// What the cases expect of the server's answer: a connection error, a stream error, a live connection, a call.
extension Session {
    /// Reads until GOAWAY; it must carry `code`, and the connection must then close (§15: GOAWAY, then close).
    ///
    /// Frames before the GOAWAY are allowed (answers to earlier frames); a close without GOAWAY fails.
    @discardableResult
    package func expectGoAway(_ code: UInt32, closes: Bool = true) async throws -> SeenFrame {
        let expected = "GOAWAY(\(ErrorCodeName.name(code))), then close"
        while true {
            let frame: SeenFrame
            do {
                frame = try await self.next()
            } catch let failure as CaseFailure {
                throw CaseFailure(expected: expected, seen: failure.seen)
            }
            guard let goAway = frame.goAway else { continue }
            guard goAway.code == code else {
                throw CaseFailure(expected: expected, seen: "GOAWAY with \(ErrorCodeName.name(goAway.code))")
            }
            if closes {
                do {
                    _ = try await self.readUntilClosed()
                } catch {
                    throw CaseFailure(expected: expected, seen: "GOAWAY, but the connection stayed open")
                }
            }
            return frame
        }
    }

    /// Reads until a frame ends `stream`; it must be CANCEL with `code`, and the connection must stay usable.
    package func expectCancel(_ stream: UInt32, code: UInt32) async throws {
        let expected = "CANCEL(\(code)) on stream \(stream), the connection going on"
        let end = try await self.readStreamEnd(stream, expected: expected)
        guard end.cancelCode == code else { throw CaseFailure(expected: expected, seen: "\(end)") }
        try await self.expectAlive(expected: expected)
    }

    /// Reads until a frame ends `stream` (TRAILERS or CANCEL); other frames are skipped.
    package func readStreamEnd(_ stream: UInt32, expected: String) async throws -> SeenFrame {
        while true {
            let frame: SeenFrame
            do {
                frame = try await self.next()
            } catch let failure as CaseFailure {
                throw CaseFailure(expected: expected, seen: failure.seen)
            }
            if frame.kind == .goAway { throw CaseFailure(expected: expected, seen: "\(frame)") }
            if frame.streamID == stream, frame.kind == .trailers || frame.kind == .cancel { return frame }
        }
    }

    /// Sends a PING and reads until its ACK: the connection is alive and processed everything sent before.
    ///
    /// Frames read on the way are kept for ``next()``.
    package func expectAlive(expected: String = "the connection to go on (a PING answered)") async throws {
        let opaque = UInt64.random(in: 1...UInt64.max)
        self.send(RawFrame.ping(opaque))
        var held: [SeenFrame] = []
        defer { for frame in held.reversed() { self.unread(frame) } }
        while true {
            let frame: SeenFrame
            do {
                frame = try await self.nextRaw()
            } catch let failure as CaseFailure {
                throw CaseFailure(expected: expected, seen: failure.seen)
            }
            if frame.kind == .ping, frame.has(FrameFlag.ack), frame.payload == RawFrame.u64(opaque) { return }
            if frame.kind == .goAway { throw CaseFailure(expected: expected, seen: "\(frame)") }
            if frame.kind != .windowUpdate, !(frame.kind == .settings && frame.has(FrameFlag.ack)) {
                held.append(frame)
            }
        }
    }

    /// Reads a whole response on `stream`: optional HEADERS, DATA reassembled into messages, TRAILERS.
    ///
    /// - Throws: ``CaseFailure`` on CANCEL, GOAWAY or close before the TRAILERS.
    package func readResponse(_ stream: UInt32) async throws -> Response {
        var response = Response()
        var message: [UInt8] = []
        while true {
            let frame = try await self.next()
            if frame.kind == .goAway {
                throw CaseFailure(expected: "the response of stream \(stream)", seen: "\(frame)")
            }
            guard frame.streamID == stream else { continue }
            response.frames.append(frame)
            if frame.kind == .headers {
                response.head = frame.payload
            } else if frame.kind == .data {
                message += frame.payload
                if frame.has(FrameFlag.endMessage) {
                    response.messages.append(message)
                    response.compressedFlags.append(frame.has(FrameFlag.compressed))
                    message = []
                }
            } else if frame.kind == .trailers {
                do {
                    response.trailers = try ProtobufReader.trailers(frame.payload)
                } catch {
                    throw CaseFailure(expected: "decodable Trailers (§9)", seen: "\(frame)")
                }
                return response
            } else if frame.kind == .cancel {
                throw CaseFailure(expected: "TRAILERS ending stream \(stream)", seen: "\(frame)")
            }
        }
    }

    /// Sends a unary request on `stream` and reads the response; the status must be `code` (OK by default).
    @discardableResult
    package func unary(
        _ stream: UInt32,
        method: String = TestMethod.echo,
        message: [UInt8] = ProtobufWriter.payload(body: Array("conformance".utf8)),
        entries: [[UInt8]] = [],
        code: UInt32 = 0
    ) async throws -> Response {
        self.send(RawFrame.unary(stream: stream, method: method, message: message, entries: entries))
        let response = try await self.readResponse(stream)
        guard let trailers = response.trailers, trailers.code == code else {
            throw CaseFailure(
                expected: "status \(code) on stream \(stream)",
                seen: "status \(response.trailers?.code ?? 0) \"\(response.trailers?.message ?? "")\""
            )
        }
        return response
    }

    /// Sends one message on `stream` as DATA fragments of at most `fragmentSize` bytes, within the credit the server
    /// grants; `lastFlags` are added to the last fragment and `flags` to every one.
    package func sendMessage(
        _ message: [UInt8],
        on stream: UInt32,
        fragmentSize: Int? = nil,
        flags: UInt8 = 0,
        lastFlags: UInt8 = FrameFlag.endMessage
    ) async throws {
        let size = max(1, min(fragmentSize ?? Int.max, self.setting(SettingID.maxFrameSize)))
        var offset = 0
        repeat {
            let end = min(message.count, offset + size)
            guard try await self.spendCredit(end - offset, on: stream) else { return }
            let isLast = end == message.count
            self.connection.send(
                RawFrame.data(
                    stream: stream,
                    flags: flags | (isLast ? lastFlags : 0),
                    payload: Array(message[offset..<end])
                )
            )
            offset = end
        } while offset < message.count
        self.context.log("C→S \(message.count) message bytes on stream \(stream) in DATA of ≤ \(size) bytes")
    }

    /// One response as the server sent it.
    package struct Response: Sendable {
        /// The HEADERS payload, if any.
        package var head: [UInt8]?
        /// The reassembled messages.
        package var messages: [[UInt8]] = []
        /// Whether each message's last fragment carried COMPRESSED.
        package var compressedFlags: [Bool] = []
        /// The trailers.
        package var trailers: ProtobufReader.Trailers?
        /// Every frame of the stream.
        package var frames: [SeenFrame] = []
    }

    /// Opens stream `id` on Sleep for a minute and half-closes it: a call that stays open until cancelled.
    package func openSleep(_ id: UInt32) {
        self.send(
            RawFrame.unary(
                stream: id,
                method: TestMethod.sleep,
                message: ProtobufWriter.sleepRequest(milliseconds: 60_000)
            )
        )
    }
}

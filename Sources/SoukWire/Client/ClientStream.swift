import GRPCCore
import NIOCore

/// The id of a client stream, assigned when its HEADERS go out.
///
/// `@unchecked Sendable` is sound: `id` and `isOpenFailed` are read and written only on the connection's event
/// loop, and every command of one stream hops there in order; `sawStatus` is written by the call's inbound
/// iterator and read after the call's closure returned, in the same task.
final class ClientStreamSlot: @unchecked Sendable {
    var id: UInt32?
    var isOpenFailed = false
    /// The call read the server's final status: the stream is over and needs no CANCEL.
    var sawStatus = false
    /// The call ended before its stream opened (it may still wait for one, §7.4): it must not open now.
    var isAbandoned = false
    /// When the call's deadline passes, if it has one, as the transport reckons it.
    let deadline: ContinuousClock.Instant?
    /// How early a cancellation may come and still count as the deadline's.
    let deadlineSlack: Duration

    init(timeout: Duration?) {
        self.deadline = timeout.map { ContinuousClock.now.advanced(by: $0) }
        self.deadlineSlack = timeout.map { max($0 / 2, .milliseconds(50)) } ?? .zero
    }

    /// The status of the CANCEL that ends the stream early: DEADLINE_EXCEEDED once the deadline has passed (the
    /// client enforces it locally, §10), CANCELLED otherwise.
    ///
    /// GRPCCore enforces the deadline by cancelling the call at its own deadline, taken before the call reaches the
    /// transport, and the call may wait for a thread in between: on a busy machine, long enough to make the
    /// transport's reckoning late by far more than a few milliseconds. So a cancellation in the second half of the
    /// call's time counts as the deadline's. A caller who gives up that late is told DEADLINE_EXCEEDED, which is
    /// harmless: the server ends the call either way.
    var cancelStatus: UInt32 {
        guard let deadline = self.deadline, ContinuousClock.now >= deadline - self.deadlineSlack else {
            return StreamFailure.cancelled
        }
        return StreamFailure.deadlineExceeded
    }
}

/// The outbound half of a client stream, as GRPCCore writes it: metadata once, messages, then finish.
struct ClientStreamWriter: ClosableRPCWriterProtocol {
    typealias Element = RPCRequestPart<WireBytes>

    let connection: ConnectionHandle
    let slot: ClientStreamSlot
    let method: String
    let timeoutMicroseconds: UInt64
    let continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation
    let compression: MessageCompression
    private let outbox: StreamOutbox

    init(
        connection: ConnectionHandle,
        slot: ClientStreamSlot,
        method: String,
        timeoutMicroseconds: UInt64,
        continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation,
        compression: MessageCompression
    ) {
        self.connection = connection
        self.slot = slot
        self.method = method
        self.timeoutMicroseconds = timeoutMicroseconds
        self.continuation = continuation
        self.compression = compression
        self.outbox = StreamOutbox(connection: connection, streamID: { slot.id })
    }

    func write(_ element: RPCRequestPart<WireBytes>) async throws {
        switch element {
        case .metadata(let metadata):
            var dropped: [String] = []
            var entries = MetadataCoding.entries(metadata) { dropped.append($0) }
            guard dropped.isEmpty else {
                // The call fails alone, before anything is sent, naming what the wire cannot carry (§9).
                let failure = StreamFailure(
                    code: StreamFailure.invalidArgument,
                    message: "request metadata \(dropped.joined(separator: ", ")) cannot be sent over SWP: keys are "
                        + "a-z 0-9 - _ ., text values printable ASCII, binary values only under keys ending in -bin"
                )
                let slot = self.slot
                let continuation = self.continuation
                self.outbox.enqueue { _ in
                    slot.isOpenFailed = true
                    continuation.finish(throwing: failure)
                }
                return
            }
            if self.compression.compressesOutgoing {
                // As in gRPC: the header names the codec; each message says whether it used it.
                entries.append(("grpc-encoding", .text("zstd")))
            }
            let head = WireProtobuf.RequestHead(
                method: self.method,
                timeoutMicroseconds: self.timeoutMicroseconds,
                metadata: entries
            )
            let slot = self.slot
            let continuation = self.continuation
            // Beyond the server's MAX_CONCURRENT_STREAMS the call waits for a stream (§7.4), and so does
            // everything it sends after its head.
            self.outbox.enqueueOpen { handler, resume in
                let openedLater = { (handler: ConnectionHandler, outcome: Result<UInt32, StreamFailure>) in
                    Self.settle(outcome, slot: slot, continuation: continuation)
                    resume(handler)
                }
                let outcome = handler.openStreamOrWait(
                    head: head,
                    continuation: continuation,
                    slot: slot,
                    opened: openedLater
                )
                guard let outcome else { return false }
                Self.settle(outcome, slot: slot, continuation: continuation)
                return true
            }
        case .message(let bytes):
            let (payload, isCompressed) = try self.compression.compress(bytes.buffer)
            try await self.outbox.write(payload, isCompressed: isCompressed)
        }
    }

    /// Records the stream's id, or fails the call when no stream could open.
    private static func settle(
        _ outcome: Result<UInt32, StreamFailure>,
        slot: ClientStreamSlot,
        continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation
    ) {
        switch outcome {
        case .success(let id):
            slot.id = id
        case .failure(let failure):
            slot.isOpenFailed = true
            continuation.finish(throwing: failure)
        }
    }

    func write(contentsOf elements: some Sequence<RPCRequestPart<WireBytes>>) async throws {
        for element in elements { try await self.write(element) }
    }

    func finish() async {
        let slot = self.slot
        self.outbox.enqueue { handler in
            if let id = slot.id { handler.halfClose(id) }
        }
    }

    func finish(throwing error: any Error) async {
        let slot = self.slot
        self.outbox.enqueue { handler in
            if let id = slot.id { handler.cancel(id, status: slot.cancelStatus) }
        }
    }
}

/// The inbound half of a client stream, as GRPCCore reads it: optional metadata, messages, then a status.
///
/// Failures of the stream (CANCEL from the server, a lost connection) become a final status, so the call
/// fails with the right code rather than an opaque error. Each message consumed returns its credit.
struct ClientStreamInbound: AsyncSequence, Sendable {
    typealias Element = RPCResponsePart<WireBytes>

    let events: AsyncThrowingStream<StreamEvent, any Error>
    let connection: ConnectionHandle
    let slot: ClientStreamSlot
    let compression: MessageCompression

    func makeAsyncIterator() -> Iterator {
        Iterator(
            events: self.events.makeAsyncIterator(),
            connection: self.connection,
            slot: self.slot,
            compression: self.compression
        )
    }

    struct Iterator: AsyncIteratorProtocol {
        var events: AsyncThrowingStream<StreamEvent, any Error>.AsyncIterator
        let connection: ConnectionHandle
        let slot: ClientStreamSlot
        let compression: MessageCompression
        var isDone = false
        /// Whether the response's metadata was returned (GRPCCore wants it before any message).
        var sawMetadata = false
        /// A message held back while the empty metadata of a response without HEADERS goes first.
        var heldMessage: WireBytes?

        mutating func next() async throws -> RPCResponsePart<WireBytes>? {
            guard !self.isDone else { return nil }
            if let message = self.heldMessage {
                self.heldMessage = nil
                return .message(message)
            }
            do {
                guard let event = try await self.events.next() else {
                    self.isDone = true
                    // The stream sequence ends early only when our task was cancelled.
                    try Task.checkCancellation()
                    return .status(Status(code: .unavailable, message: "the stream ended without a status"), [:])
                }
                switch event {
                case .head(let entries):
                    self.sawMetadata = true
                    return .metadata(MetadataCoding.metadata(entries))
                case .message(let buffer, let wireSize, let isCompressed):
                    let slot = self.slot
                    let message = try self.connection.takeMessage(
                        buffer,
                        wireSize: wireSize,
                        isCompressed: isCompressed,
                        compression: self.compression,
                        streamID: { slot.id }
                    )
                    guard self.sawMetadata else {
                        // §5.2: a server with no metadata MAY omit HEADERS; GRPCCore still wants metadata first.
                        self.sawMetadata = true
                        self.heldMessage = message
                        return .metadata([:])
                    }
                    return .message(message)
                case .trailers(let trailers):
                    self.isDone = true
                    self.slot.sawStatus = true
                    let code = Status.Code(rawValue: Int(trailers.code)) ?? .unknown
                    return .status(
                        Status(code: code, message: trailers.message),
                        MetadataCoding.metadata(trailers.metadata)
                    )
                }
            } catch let failure as StreamFailure {
                self.isDone = true
                let code = Status.Code(rawValue: Int(failure.code)) ?? .unknown
                return .status(Status(code: code, message: failure.message), [:])
            }
        }
    }
}

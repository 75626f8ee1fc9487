import NIOConcurrencyHelpers
import NIOCore

/// Hands everything one stream sends (head, messages, end, trailers, cancel) to the event loop in order and in
/// batches, with backpressure by message bytes not yet written.
///
/// A writer does not wait for each message to reach the socket: that would cost an event-loop round trip per
/// message and split a unary call's head, message and end over several flushes. Operations queue here; one
/// event-loop task runs everything queued since it was scheduled, so a unary request or response usually costs
/// one hop and one flush. A writer waits only when more than ``highWaterBytes`` of messages are queued or held
/// back by flow control, until the backlog is below ``lowWaterBytes``, or until its task is cancelled. The first
/// failure (the stream was cancelled or the connection lost) is thrown by the next write.
final class StreamOutbox: Sendable {
    /// Above this many unwritten bytes a writer waits.
    static let highWaterBytes = 256 * 1024
    /// A waiting writer resumes once the backlog is at most this.
    static let lowWaterBytes = 64 * 1024

    private enum Queued {
        case message(ByteBuffer, isCompressed: Bool)
        case control(@Sendable (ConnectionHandler) -> Void)
        /// Opens the stream; returns false when the open waits (§7.4) and will call its resume argument later.
        case open(@Sendable (ConnectionHandler, _ resume: @escaping (ConnectionHandler) -> Void) -> Bool)
    }

    private struct State {
        var queued: [Queued] = []
        var isScheduled = false
        /// The stream's open waits for a stream to close: nothing more runs until it resumes.
        var isPaused = false
        var unwrittenBytes = 0
        var failure: (any Error)?
        var waiter: CheckedContinuation<Void, any Error>?
    }

    private let state = NIOLockedValueBox(State())
    private let connection: ConnectionHandle
    private let streamID: @Sendable () -> UInt32?

    /// - Parameter streamID: the stream's id, read on the event loop (a client learns its id only there).
    init(connection: ConnectionHandle, streamID: @escaping @Sendable () -> UInt32?) {
        self.connection = connection
        self.streamID = streamID
    }

    /// Queues an operation other than a message (head, end, trailers, cancel) behind everything queued before.
    func enqueue(_ operation: @escaping @Sendable (ConnectionHandler) -> Void) {
        let schedule = self.state.withLockedValue { state -> Bool in
            state.queued.append(.control(operation))
            let schedule = !state.isScheduled
            state.isScheduled = true
            return schedule
        }
        if schedule {
            self.connection.execute { handler in self.send(on: handler) }
        }
    }

    /// Queues the stream's open; everything queued after it waits until the open is settled, which may be later
    /// when the server's MAX_CONCURRENT_STREAMS is reached (§7.4).
    ///
    /// - Parameter operation: returns true when settled at once; false when it will call its second argument, on
    ///   the event loop and never from within itself, once settled.
    func enqueueOpen(
        _ operation: @escaping @Sendable (ConnectionHandler, _ resume: @escaping (ConnectionHandler) -> Void) -> Bool
    ) {
        let schedule = self.state.withLockedValue { state -> Bool in
            state.queued.append(.open(operation))
            let schedule = !state.isScheduled
            state.isScheduled = true
            return schedule
        }
        if schedule {
            self.connection.execute { handler in self.send(on: handler) }
        }
    }

    /// Queues `payload` for the stream; waits only while the backlog is above the high-water mark.
    func write(_ payload: ByteBuffer, isCompressed: Bool) async throws {
        let size = max(payload.readableBytes, 1)
        let (schedule, mustWait) = try self.state.withLockedValue { state -> (Bool, Bool) in
            if let failure = state.failure { throw failure }
            state.queued.append(.message(payload, isCompressed: isCompressed))
            state.unwrittenBytes += size
            let schedule = !state.isScheduled
            state.isScheduled = true
            return (schedule, state.unwrittenBytes > Self.highWaterBytes)
        }
        if schedule {
            self.connection.execute { handler in self.send(on: handler) }
        }
        if mustWait { try await self.waitForBacklog() }
    }

    /// Waits until the backlog is at most the low-water mark, the stream fails, or the task is cancelled (a writer
    /// whose peer stopped reading must still end when its call is cancelled: by its deadline, a shutdown or the
    /// database going away). The queued message stays queued: cancelling the wait does not unsend it.
    private func waitForBacklog() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: Result<Void, any Error>? = self.state.withLockedValue { state in
                    if let failure = state.failure { return .failure(failure) }
                    if state.unwrittenBytes <= Self.lowWaterBytes { return .success(()) }
                    // Checked under the lock: a cancellation before this point finds no waiter to resume.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiter = continuation
                    return nil
                }
                if let resume { continuation.resume(with: resume) }
            }
        } onCancel: {
            let waiter = self.state.withLockedValue { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// On the event loop: runs everything queued, in order.
    private func send(on handler: ConnectionHandler) {
        let batch = self.state.withLockedValue { state -> [Queued] in
            guard !state.isPaused else { return [] }
            state.isScheduled = false
            defer { state.queued.removeAll(keepingCapacity: true) }
            return state.queued
        }
        let loop = self.connection.eventLoop
        for (index, item) in batch.enumerated() {
            switch item {
            case .control(let operation):
                operation(handler)
            case .open(let operation):
                let isSettled = operation(handler) { handler in
                    self.state.withLockedValue { $0.isPaused = false }
                    self.send(on: handler)
                }
                if !isSettled {
                    // Held back, in order, until the open resumes; while paused nothing schedules a send.
                    self.state.withLockedValue { state in
                        state.queued.insert(contentsOf: batch[(index + 1)...], at: 0)
                        state.isPaused = true
                        state.isScheduled = true
                    }
                    return
                }
            case .message(let payload, let isCompressed):
                let size = max(payload.readableBytes, 1)
                // Read per message: a client's stream gets its id from the head earlier in this batch.
                guard let id = self.streamID() else {
                    let failure = StreamFailure(code: StreamFailure.unavailable, message: "the stream was not opened")
                    self.written(size, failure: failure)
                    continue
                }
                let promise = loop.makePromise(of: Void.self)
                promise.futureResult.whenComplete { result in
                    switch result {
                    case .success: self.written(size, failure: nil)
                    case .failure(let error): self.written(size, failure: error)
                    }
                }
                handler.sendMessage(payload, isCompressed: isCompressed, endStream: false, on: id, promise: promise)
            }
        }
    }

    private func written(_ bytes: Int, failure: (any Error)?) {
        let (waiter, result) = self.state.withLockedValue {
            state -> (CheckedContinuation<Void, any Error>?, Result<Void, any Error>) in
            state.unwrittenBytes -= bytes
            if let failure, state.failure == nil { state.failure = failure }
            if let failure = state.failure {
                defer { state.waiter = nil }
                return (state.waiter, .failure(failure))
            }
            guard state.unwrittenBytes <= Self.lowWaterBytes else { return (nil, .success(())) }
            defer { state.waiter = nil }
            return (state.waiter, .success(()))
        }
        waiter?.resume(with: result)
    }
}

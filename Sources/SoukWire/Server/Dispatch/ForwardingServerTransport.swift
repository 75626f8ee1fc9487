import GRPCCore
import Synchronization

/// The `ServerTransport` of the `GRPCServer` inside ``SWPServer``: it accepts nothing itself; ``SWPServer`` hands it
/// the calls of methods it has no direct binding for, and GRPCCore routes and executes them as usual.
final class ForwardingServerTransport: ServerTransport, Sendable {
    typealias Bytes = WireBytes
    typealias Handler = @Sendable (RPCStream<Inbound, Outbound>, ServerContext) async -> Void

    private struct State {
        var handler: Handler?
        var handlerWaiters: [CheckedContinuation<Handler?, Never>] = []
        var stopWaiter: CheckedContinuation<Void, Never>?
        var isStopped = false
    }

    private let state = Mutex(State())

    func listen(streamHandler: @escaping Handler) async throws {
        let waiters = self.state.withLock { state in
            state.handler = streamHandler
            defer { state.handlerWaiters.removeAll() }
            return state.handlerWaiters
        }
        for waiter in waiters { waiter.resume(returning: streamHandler) }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let stopped = self.state.withLock { state in
                    if state.isStopped { return true }
                    state.stopWaiter = continuation
                    return false
                }
                if stopped { continuation.resume() }
            }
        } onCancel: {
            self.beginGracefulShutdown()
        }
    }

    func beginGracefulShutdown() {
        let (stopWaiter, handlerWaiters) = self.state.withLock { state in
            state.isStopped = true
            defer {
                state.stopWaiter = nil
                state.handlerWaiters.removeAll()
            }
            return (state.stopWaiter, state.handlerWaiters)
        }
        stopWaiter?.resume()
        for waiter in handlerWaiters { waiter.resume(returning: nil) }
    }

    /// Runs `call` through the `GRPCServer` listening here (waiting for it to start listening).
    func forward(_ call: SWPServerCall) async {
        let handler = await withCheckedContinuation { (continuation: CheckedContinuation<Handler?, Never>) in
            let ready: Handler?? = self.state.withLock { state in
                if let handler = state.handler { return .some(handler) }
                if state.isStopped { return .some(nil) }
                state.handlerWaiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        guard let handler else {
            await call.reject(Status(code: .unavailable, message: "the server is shutting down"))
            return
        }
        let descriptor = SWPServerTransport.descriptor(for: call.path)
        await call.withContext(descriptor: descriptor) { context in
            await handler(call.makeRPCStream(descriptor: descriptor), context)
        }
    }
}

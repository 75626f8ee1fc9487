import GRPCCore
import Synchronization

/// Carries a stream's cancellation from the event loop to its call's `ServerContext`.
///
/// Registered with the connection as the stream opens (on the event loop, so no call pays a hop to register it),
/// before the call's task exists; the task attaches its cancellation handle when it builds the context. A
/// cancellation (CANCEL, deadline, connection loss) that comes first is passed on at attachment.
final class CancellationRelay: Sendable {
    private struct State {
        var isCancelled = false
        var handle: ServerContext.RPCCancellationHandle?
    }

    private let state = Mutex(State())

    /// The stream was cancelled.
    func cancel() {
        let handle = self.state.withLock { state in
            state.isCancelled = true
            return state.handle
        }
        handle?.cancel()
    }

    /// From now on a cancellation cancels `handle`; one that already happened cancels it at once.
    func attach(_ handle: ServerContext.RPCCancellationHandle) {
        let isCancelled = self.state.withLock { state in
            state.handle = handle
            return state.isCancelled
        }
        if isCancelled { handle.cancel() }
    }
}

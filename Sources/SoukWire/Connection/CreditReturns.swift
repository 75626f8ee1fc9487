import NIOConcurrencyHelpers

/// Hands consumed flow-control credit back to the event loop in batches: one hop for everything the readers of a
/// connection consumed since the last one, instead of one hop per message.
///
/// The credit is returned as promptly as before (the next event-loop tick); only the number of cross-thread
/// hops changes, which is what a reader of many small messages pays for.
final class CreditReturns: Sendable {
    private struct Pending {
        var streamID: @Sendable () -> UInt32?
        var bytes: Int
    }

    private struct State {
        var pending: [Pending] = []
        var isScheduled = false
    }

    private let state = NIOLockedValueBox(State())

    init() {}

    /// Records `bytes` consumed on the stream `streamID` names (read on the event loop), and schedules a return.
    func add(_ bytes: Int, streamID: @escaping @Sendable () -> UInt32?, on connection: ConnectionHandle) {
        let schedule = self.state.withLockedValue { state -> Bool in
            state.pending.append(Pending(streamID: streamID, bytes: bytes))
            defer { state.isScheduled = true }
            return !state.isScheduled
        }
        guard schedule else { return }
        connection.execute { handler in
            let pending = self.state.withLockedValue { state -> [Pending] in
                state.isScheduled = false
                defer { state.pending.removeAll(keepingCapacity: true) }
                return state.pending
            }
            for item in pending {
                if let id = item.streamID() { handler.consumed(item.bytes, on: id) }
            }
        }
    }
}

import Foundation
package import GRPCCore
import Synchronization

/// Wakes the event streams of this process when a domain change (an order, a payment) has committed, so live watchers see it at once;
/// streams also poll on a timeout, which covers changes committed by other processes on the same database.
package final class OutboxSignal: Sendable {
    private struct Waiters {
        var next = 0
        var continuations: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let waiters = Mutex(Waiters())

    package init() {}

    /// Wakes every waiting stream.
    package func pulse() {
        let woken = self.waiters.withLock { state in
            defer { state.continuations.removeAll() }
            return Array(state.continuations.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns at the next pulse, after `timeout`, or when the task is cancelled, whichever comes first.
    package func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.nextPulse() }
            await group.next()
            group.cancelAll()
        }
    }

    private func nextPulse() async {
        let id = self.waiters.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = self.waiters.withLock { state in
                    if Task.isCancelled { return true }
                    state.continuations[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = self.waiters.withLock { $0.continuations.removeValue(forKey: id) }
            continuation?.resume()
        }
    }
}

extension OutboxSignal {
    /// Hands every committed event after `position` to `deliver`, in order, reading them `batch` at a time with
    /// `fetch`; then ends (`endAtBacklog`) or waits for more (woken by ``pulse()`` or after `pollInterval`) until
    /// the call is cancelled by the client, its deadline or shutdown (GRPCCore signals that through the context's
    /// cancellation handle, not through task cancellation). Every domain's `StreamEvents` is this loop.
    package func follow<Event: Sendable>(
        after position: Int64,
        endAtBacklog: Bool,
        cancellation: ServerContext.RPCCancellationHandle,
        pollInterval: Duration,
        batch: Int = 500,
        positionOf: (Event) -> Int64,
        fetch: (_ after: Int64, _ limit: Int) async throws -> [Event],
        deliver: (Event) async throws -> Void
    ) async throws {
        var position = position
        while !cancellation.isCancelled, !Task.isCancelled {
            let events = try await fetch(position, batch)
            for event in events {
                try await deliver(event)
                position = positionOf(event)
            }
            if events.count == batch { continue }
            if endAtBacklog { return }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.wait(timeout: pollInterval) }
                group.addTask { try? await cancellation.cancelled }
                await group.next()
                group.cancelAll()
            }
        }
    }
}

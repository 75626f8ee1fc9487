import Synchronization

/// A `Clock` that moves only when told (``advance(by:)``), for code that takes a clock for its timeouts: a test
/// steps past a timeout instead of sleeping, so a slow machine neither fails it nor makes it slow. Modelled on
/// postgres-nio's `MockClock`. Sleepers wake when the clock is advanced to their deadline, or when cancelled.
package final class ManualClock: Clock, Sendable {
    package struct Instant: InstantProtocol {
        /// How far the clock had been advanced when it read this.
        package var offset: Duration

        package func advanced(by duration: Duration) -> Self {
            Self(offset: self.offset + duration)
        }

        package func duration(to other: Self) -> Duration {
            other.offset - self.offset
        }

        package static func < (lhs: Self, rhs: Self) -> Bool {
            lhs.offset < rhs.offset
        }
    }

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    package var now: Instant {
        self.state.withLock { $0.now }
    }

    package var minimumResolution: Duration { .zero }

    /// Moves the clock forward by `duration` and wakes the sleepers whose deadline it reached.
    package func advance(by duration: Duration) {
        precondition(duration >= .zero, "a clock does not go back")
        let woken = self.state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { state.sleepers[id] = nil }
            return Array(due.values)
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    package func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = self.state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate = self.state.withLock { state -> Result<Void, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let sleeper = self.state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}

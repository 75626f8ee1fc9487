import Synchronization

/// The serving status of each service a host runs, as reported by `grpc.health.v1.Health`.
///
/// The empty name `""` stands for the whole server, as the health protocol defines.
package final class HealthStatusBoard: Sendable {
    /// The status of one service.
    package enum Status: Sendable, Hashable {
        /// Accepting calls.
        case serving
        /// Known, but not accepting calls (starting or draining).
        case notServing
    }

    private struct State {
        var statuses: [String: Status] = [:]
        var watchers: [Int: (service: String, continuation: AsyncStream<Status?>.Continuation)] = [:]
        var nextWatcher = 0
    }

    private let state = Mutex(State())

    /// Creates an empty board.
    package init() {}

    /// Sets the status of `service` and tells its watchers.
    package func set(_ status: Status, for service: String) {
        let continuations = self.state.withLock { state in
            state.statuses[service] = status
            return state.watchers.values.filter { $0.service == service }.map(\.continuation)
        }
        for continuation in continuations { continuation.yield(status) }
    }

    /// Sets every known service (and the server) to `status`, e.g. when draining.
    package func setAll(_ status: Status) {
        let services = self.state.withLock { Array($0.statuses.keys) }
        for service in services { self.set(status, for: service) }
    }

    /// The status of `service`, or `nil` when the host does not know it.
    package func status(of service: String) -> Status? {
        self.state.withLock { $0.statuses[service] }
    }

    /// The current status of `service` (`nil` if unknown) followed by every change, until the consumer stops.
    package func updates(of service: String) -> AsyncStream<Status?> {
        let (stream, continuation) = AsyncStream<Status?>.makeStream(bufferingPolicy: .bufferingNewest(8))
        let id = self.state.withLock { state in
            let id = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[id] = (service, continuation)
            continuation.yield(state.statuses[service])
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Ends every watch stream (at shutdown, so no handler waits forever).
    package func finishAll() {
        let continuations = self.state.withLock { state in
            defer { state.watchers.removeAll() }
            return state.watchers.values.map(\.continuation)
        }
        for continuation in continuations { continuation.finish() }
    }
}

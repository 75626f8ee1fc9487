import Synchronization

/// The serving status of each service a host runs, as reported by `grpc.health.v1.Health`.
///
/// The empty name `""` stands for the whole server, as the health protocol defines. While the database is
/// unreachable (``setDatabaseReachable(_:)``) every known service reports NOT_SERVING, whatever was set for it;
/// the set statuses come back once the database answers again.
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
        var databaseReachable = true
        var watchers: [Int: (service: String, continuation: AsyncStream<Status?>.Continuation)] = [:]
        var reachabilityWatchers: [Int: AsyncStream<Bool>.Continuation] = [:]
        var nextWatcher = 0

        /// What `service` reports: its set status, or NOT_SERVING while the database is unreachable.
        func reported(_ service: String) -> Status? {
            guard let status = self.statuses[service] else { return nil }
            return self.databaseReachable ? status : .notServing
        }
    }

    private let state = Mutex(State())

    /// Creates an empty board.
    package init() {}

    /// Sets the status of `service` and tells its watchers.
    package func set(_ status: Status, for service: String) {
        let (reported, continuations) = self.state.withLock { state in
            state.statuses[service] = status
            return (state.reported(service), state.watchers.values.filter { $0.service == service }.map(\.continuation))
        }
        for continuation in continuations { continuation.yield(reported) }
    }

    /// Records whether the database answers; while it does not, every service reports NOT_SERVING.
    package func setDatabaseReachable(_ reachable: Bool) {
        let (updates, reachabilityWatchers) = self.state.withLock { state in
            guard state.databaseReachable != reachable else {
                return ([(AsyncStream<Status?>.Continuation, Status?)](), [AsyncStream<Bool>.Continuation]())
            }
            state.databaseReachable = reachable
            let updates = state.watchers.values.map { ($0.continuation, state.reported($0.service)) }
            return (updates, Array(state.reachabilityWatchers.values))
        }
        for (continuation, status) in updates { continuation.yield(status) }
        for continuation in reachabilityWatchers { continuation.yield(reachable) }
    }

    /// Whether the database counts as reachable (`true` until the probe declares otherwise).
    package var isDatabaseReachable: Bool {
        self.state.withLock { $0.databaseReachable }
    }

    /// Whether the database is reachable now, followed by every change, until the consumer stops or
    /// ``finishAll()``.
    package func databaseReachability() -> AsyncStream<Bool> {
        let (stream, continuation) = AsyncStream<Bool>.makeStream(bufferingPolicy: .bufferingNewest(8))
        let id = self.state.withLock { state in
            let id = state.nextWatcher
            state.nextWatcher += 1
            state.reachabilityWatchers[id] = continuation
            continuation.yield(state.databaseReachable)
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.reachabilityWatchers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Sets every known service (and the server) to `status`, e.g. when draining.
    package func setAll(_ status: Status) {
        let services = self.state.withLock { Array($0.statuses.keys) }
        for service in services { self.set(status, for: service) }
    }

    /// The status `service` reports, or `nil` when the host does not know it.
    package func status(of service: String) -> Status? {
        self.state.withLock { $0.reported(service) }
    }

    /// The current status of `service` (`nil` if unknown) followed by every change, until the consumer stops.
    package func updates(of service: String) -> AsyncStream<Status?> {
        let (stream, continuation) = AsyncStream<Status?>.makeStream(bufferingPolicy: .bufferingNewest(8))
        let id = self.state.withLock { state in
            let id = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[id] = (service, continuation)
            continuation.yield(state.reported(service))
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Ends every watch stream (at shutdown, so no handler waits forever).
    package func finishAll() {
        let (continuations, reachabilityWatchers) = self.state.withLock { state in
            defer {
                state.watchers.removeAll()
                state.reachabilityWatchers.removeAll()
            }
            return (state.watchers.values.map(\.continuation), Array(state.reachabilityWatchers.values))
        }
        for continuation in continuations { continuation.finish() }
        for continuation in reachabilityWatchers { continuation.finish() }
    }
}

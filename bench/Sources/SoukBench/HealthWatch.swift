package import GRPCCore
import SoukAPI
import Synchronization

/// Polls soukd's `grpc.health.v1.Health` over SWP and keeps each change of the overall status, with when it
/// was seen (from the watch's origin).
package final class HealthWatch: Sendable {
    /// A status first seen at an offset: `SERVING`, `NOT_SERVING`, or the failed check's code.
    package struct Change: Sendable, Hashable, Codable {
        package var at: Duration
        package var status: String
    }

    private let changes = Mutex<[Change]>([])

    package init() {}

    /// The changes so far, oldest first.
    package var seen: [Change] { self.changes.withLock { $0 } }

    /// The status last seen, nil before the first check.
    package var current: String? { self.changes.withLock { $0.last?.status } }

    /// Checks every `interval` until cancelled.
    package func run<Transport: ClientTransport, C: Clock>(
        client: GRPCClient<Transport>,
        clock: C,
        origin: C.Instant,
        interval: Duration = .milliseconds(100)
    ) async where C.Duration == Duration {
        let health = Grpc_Health_V1_Health.Client(wrapping: client)
        var options = CallOptions.defaults
        options.timeout = .seconds(2)
        options.waitForReady = false
        while !Task.isCancelled {
            let status: String
            do {
                switch try await health.check(Grpc_Health_V1_HealthCheckRequest(), options: options).status {
                case .serving: status = "SERVING"
                case .notServing: status = "NOT_SERVING"
                case let other: status = "\(other)"
                }
            } catch let error as RPCError {
                status = "check failed: \(error.code)"
            } catch {
                status = "check failed"
            }
            let at = origin.duration(to: clock.now)
            self.changes.withLock { changes in
                if changes.last?.status != status { changes.append(Change(at: at, status: status)) }
            }
            try? await clock.sleep(for: interval)
        }
    }
}

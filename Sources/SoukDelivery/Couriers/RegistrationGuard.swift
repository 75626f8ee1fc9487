import Foundation
import Synchronization

/// The shipments being booked with their courier right now, in this process: the orders' follower and the poller
/// both register, and a courier documents no idempotency key, so one of them must step aside.
final class RegistrationGuard: Sendable {
    private let ids = Mutex<Set<UUID>>([])

    /// Runs `body` unless `id` is already being registered; answers whether it ran.
    func ifIdle(_ id: UUID, _ body: () async -> Void) async -> Bool {
        guard self.ids.withLock({ $0.insert(id).inserted }) else { return false }
        defer { _ = self.ids.withLock { $0.remove(id) } }
        await body()
        return true
    }
}

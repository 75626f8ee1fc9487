package import SoukAPI

/// Copies the orders' events into the analytics schema from the position it stored, exactly once each.
///
/// It reads the events through a function of the public client (``ReadEvents``: the order service's
/// `StreamEvents` with `follow` off, so a pass ends at the end of the backlog), and applies each with its position
/// in one transaction. Events of types it does not know move the position and are counted, never fatal.
package struct OrderEventFollower: Sendable {
    /// The name the orders' position is stored under.
    package static let stream = "orders"

    /// The events after a position, to the end of the backlog, in position order.
    package typealias ReadEvents = @Sendable (_ afterPosition: Int64) async throws -> [Souk_Catalog_V1_DomainEvent]

    /// What one pass did.
    package struct Pass: Sendable, Hashable {
        /// Events applied to the analytics schema.
        package var applied: Int
        /// Events of unknown types (or orders analytics cannot key) that only moved the position.
        package var skipped: Int
        /// Events at or before the stored position (already applied by another pass).
        package var repeated: Int
        /// The stream's position after the pass.
        package var position: Int64

        package init(applied: Int = 0, skipped: Int = 0, repeated: Int = 0, position: Int64 = 0) {
            self.applied = applied
            self.skipped = skipped
            self.repeated = repeated
            self.position = position
        }
    }

    let store: AnalyticsStore
    let read: ReadEvents

    package init(store: AnalyticsStore, read: @escaping ReadEvents) {
        self.store = store
        self.read = read
    }

    /// One pass: every event after the stored position, to the end of the backlog.
    package func pass() async throws -> Pass {
        var pass = Pass()
        pass.position = try await self.store.progress(of: Self.stream).position
        for event in try await self.read(pass.position) {
            let change = Self.change(for: event)
            if try await self.store.apply(change, at: event.position, of: Self.stream) {
                if change == .skipped { pass.skipped += 1 } else { pass.applied += 1 }
            } else {
                pass.repeated += 1
            }
            pass.position = max(pass.position, event.position)
        }
        return pass
    }

    /// What `event` changes in the analytics schema.
    static func change(for event: Souk_Catalog_V1_DomainEvent) -> AnalyticsStore.Change {
        guard ["order.placed", "order.status_changed"].contains(event.type), event.hasOrder,
            let fact = OrderFact(event.order)
        else { return .skipped }
        return .order(fact)
    }
}

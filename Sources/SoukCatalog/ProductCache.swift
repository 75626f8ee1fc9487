import Foundation
import Synchronization

/// Products as last read from PostgreSQL, kept in memory between calls and dropped as soon as this process
/// changes them or PostgreSQL says another did.
///
/// The cache serves only while ``CatalogChanges`` is listening: until its listener's `LISTEN` is in effect, and
/// from the moment it loses its connection, every lookup misses and nothing is kept. When listening starts (again)
/// everything kept is dropped, because what changed meanwhile was not heard. Reads that commit-order matters for
/// (an order's prices, an edit's current state) do not use it.
///
/// **Never stale past a commit it has heard of.** A load may race a change: it reads before the change commits
/// and stores after the change's invalidation arrived. Every invalidation moves a generation on, and a load is
/// kept only when the generation is still the one it started at, so such a record is dropped instead of kept.
/// A change made by this process is dropped right after its transaction ends; another process's change is dropped
/// when its notification arrives, a few milliseconds after its commit.
///
/// **Bounded.** At most ``capacity`` products are kept; past that the longest kept goes first.
final class ProductCache: Sendable {
    /// A lookup's outcome: the records found, the ids to read, and the generation to store those reads under.
    struct Lookup {
        var found: [UUID: ProductRecord]
        var missing: [UUID]
        var generation: UInt64
    }

    /// How many reads were served from memory and how many went to PostgreSQL, since the cache was made.
    struct Counts: Equatable {
        var hits = 0
        var misses = 0
    }

    private struct State {
        var records: [UUID: ProductRecord] = [:]
        /// The product each kept SKU belongs to, for changes that name a SKU.
        var productOfSku: [String: UUID] = [:]
        /// Ids in the order they were kept, oldest first; ids since dropped are skipped when evicting.
        var arrivals: [UUID] = []
        var firstArrival = 0
        var generation: UInt64 = 0
        var isServing = false
        var counts = Counts()

        mutating func remove(_ id: UUID) {
            guard let record = self.records.removeValue(forKey: id) else { return }
            for sku in record.skus where self.productOfSku[sku.code] == id {
                self.productOfSku.removeValue(forKey: sku.code)
            }
        }

        mutating func removeAll() {
            self.records.removeAll()
            self.productOfSku.removeAll()
            self.arrivals.removeAll()
            self.firstArrival = 0
        }
    }

    /// The most products kept at once.
    let capacity: Int
    private let state = Mutex(State())

    /// An empty cache of at most `capacity` products, not serving until ``startServing()``.
    init(capacity: Int = 10_000) {
        precondition(capacity > 0, "a cache holds at least one product")
        self.capacity = capacity
    }

    /// The kept records among `ids`, and the rest to read.
    func lookup(_ ids: [UUID]) -> Lookup {
        self.state.withLock { state in
            var lookup = Lookup(found: [:], missing: [], generation: state.generation)
            for id in ids {
                if state.isServing, let record = state.records[id] {
                    lookup.found[id] = record
                } else {
                    lookup.missing.append(id)
                }
            }
            state.counts.hits += lookup.found.count
            state.counts.misses += lookup.missing.count
            return lookup
        }
    }

    /// Keeps `records`, read after a ``lookup(_:)`` that returned `generation`, unless something was invalidated
    /// since (then they may predate that change) or the cache is not serving.
    func keep(_ records: [ProductRecord], readAt generation: UInt64) {
        self.state.withLock { state in
            guard state.isServing, state.generation == generation else { return }
            for record in records {
                if state.records.updateValue(record, forKey: record.id) == nil {
                    state.arrivals.append(record.id)
                }
                for sku in record.skus { state.productOfSku[sku.code] = record.id }
            }
            while state.records.count > self.capacity, state.firstArrival < state.arrivals.count {
                state.remove(state.arrivals[state.firstArrival])
                state.firstArrival += 1
            }
            // Dropped ids stay in `arrivals` until evicted past; compact once they outnumber the kept ones.
            if state.arrivals.count - state.firstArrival > 2 * self.capacity || state.firstArrival > self.capacity {
                let kept = state.arrivals[state.firstArrival...].filter { state.records[$0] != nil }
                state.arrivals = Array(kept)
                state.firstArrival = 0
            }
        }
    }

    /// Drops the products with `ids`.
    func invalidate(products ids: some Sequence<UUID>) {
        self.state.withLock { state in
            state.generation &+= 1
            for id in ids { state.remove(id) }
        }
    }

    /// Drops the products the SKUs `codes` belong to.
    func invalidate(skus codes: some Sequence<String>) {
        self.state.withLock { state in
            state.generation &+= 1
            for code in codes {
                if let id = state.productOfSku[code] { state.remove(id) }
            }
        }
    }

    /// Drops every product.
    func invalidateAll() {
        self.state.withLock { state in
            state.generation &+= 1
            state.removeAll()
        }
    }

    /// Starts serving, empty: changes are heard from now on.
    func startServing() {
        self.state.withLock { state in
            state.generation &+= 1
            state.removeAll()
            state.isServing = true
        }
    }

    /// Stops serving and drops everything: changes are not heard from now on.
    func stopServing() {
        self.state.withLock { state in
            state.generation &+= 1
            state.removeAll()
            state.isServing = false
        }
    }

    /// Whether lookups can be served from memory.
    var isServing: Bool { self.state.withLock { $0.isServing } }

    /// How many products are kept.
    var count: Int { self.state.withLock { $0.records.count } }

    /// Hits and misses so far.
    var counts: Counts { self.state.withLock { $0.counts } }
}

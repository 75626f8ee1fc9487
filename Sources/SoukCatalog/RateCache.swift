import Foundation
import SoukMoney
import Synchronization

/// The stored exchange rates as a ``RateBook``, kept in memory between calls.
///
/// Product reads also fetch the rates' version (the newest `imported_at`) in the same query and hand it to
/// ``observe(_:)``, so a rate imported by another process (`soukd import-rates`) is picked up by the next
/// product read without a query of its own. Callers that read no product first get a book at most
/// ``maximumAge`` old.
final class RateCache: Sendable {
    /// How long a book is trusted without a version seen.
    static let maximumAge: Duration = .seconds(5)

    private struct State {
        var book: RateBook?
        var version: Date?
        var loadedAt: ContinuousClock.Instant?
        var stale = true
    }

    private let state = Mutex(State())

    init() {}

    /// Notes the version of the stored rates seen by a query; a different one makes the book stale.
    func observe(_ version: Date?) {
        self.state.withLock { state in
            if state.version != version { state.stale = true }
        }
    }

    /// Forgets the book (after this process stored rates).
    func invalidate() {
        self.state.withLock { $0.stale = true }
    }

    /// The book, reloaded with `load` when stale or too old.
    func book(load: () async throws -> (rates: [ExchangeRate], version: Date?)) async throws -> RateBook {
        let now = ContinuousClock.now
        let cached = self.state.withLock { state -> RateBook? in
            guard !state.stale, let loadedAt = state.loadedAt, now - loadedAt < Self.maximumAge else { return nil }
            return state.book
        }
        if let cached { return cached }
        let (rates, version) = try await load()
        let book = RateBook(rates)
        self.state.withLock { state in
            state.book = book
            state.version = version
            state.loadedAt = now
            state.stale = false
        }
        return book
    }
}

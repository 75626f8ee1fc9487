package import Foundation
package import SoukMoney
import Synchronization

/// The stored exchange rates as a ``RateBook``, kept in memory between calls.
///
/// Product reads also fetch the rates' version (the newest `imported_at`) in the same query and hand it to
/// ``observe(_:)``, so a rate imported by another process (`soukd import-rates`) is picked up by the next
/// product read without a query of its own. Callers that read no product first get a book at most
/// ``maximumAge`` old by the store's wall clock (a book that seems loaded in the future, after the clock was
/// set back, is reloaded too).
package final class RateCache: Sendable {
    /// How long a book is trusted without a version seen.
    package static let maximumAge: TimeInterval = 5

    private struct State {
        var book: RateBook?
        var version: Date?
        var loadedAt: Date?
        var stale = true
    }

    private let state = Mutex(State())

    package init() {}

    /// Notes the version of the stored rates seen by a query; a different one makes the book stale.
    package func observe(_ version: Date?) {
        self.state.withLock { state in
            if state.version != version { state.stale = true }
        }
    }

    /// Forgets the book (after this process stored rates).
    package func invalidate() {
        self.state.withLock { $0.stale = true }
    }

    /// The book, reloaded with `load` when stale or too old at `now`.
    package func book(
        now: Date,
        load: () async throws -> (rates: [ExchangeRate], version: Date?)
    ) async throws -> RateBook {
        let cached = self.state.withLock { state -> RateBook? in
            guard !state.stale, let loadedAt = state.loadedAt else { return nil }
            let age = now.timeIntervalSince(loadedAt)
            guard age >= 0, age < Self.maximumAge else { return nil }
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

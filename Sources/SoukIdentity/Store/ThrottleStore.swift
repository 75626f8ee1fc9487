import Foundation

/// Failed sign-in attempts, counted per key (an account or a client address) within a window.
protocol ThrottleStore: Sendable {
    /// Failed attempts recorded under `key` since `since`.
    func failures(key: String, since: Date) async throws -> Int

    /// Records one failed attempt under each of `keys` (and forgets those older than a day).
    func recordFailure(keys: [String]) async throws

    /// Forgets the failed attempts under `key`.
    func clearFailures(key: String) async throws
}

/// A cache shared by the replicas of a domain (Redis, when the host has one), for answers a domain can always read
/// again from its own schema.
///
/// Never the source of truth: a miss, an expired entry and a cache that is down or slow all mean "read PostgreSQL",
/// so nothing here throws. The host's implementation logs a warning when the cache stops answering.
package protocol DomainCache: Sendable {
    /// The bytes stored under `key`; nil when absent, expired, or the cache cannot be reached in time.
    func value(for key: String) async -> [UInt8]?

    /// Stores `value` under `key` for `lifetime`; when the cache cannot be reached, nothing is kept.
    func store(_ value: [UInt8], for key: String, lifetime: Duration) async
}

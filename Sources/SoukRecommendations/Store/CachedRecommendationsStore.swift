package import Foundation
package import SoukDomain

/// The published lists read through the host's shared cache (Redis): PostgreSQL stays the source of truth, and
/// every call answers from it whenever the cache misses, is down or holds something unreadable.
///
/// Invalidation is by version. The served version is cached under one key for ``versionLifetime``; each list is
/// cached under a key naming its version, so a publication (which stores its new version once it has committed)
/// makes every older entry unreachable at once, on every replica. Should the cache miss that store (it was down),
/// an older version is served for at most ``versionLifetime``.
package struct CachedRecommendationsStore: RecommendationsStore {
    /// How long the served version is trusted without asking PostgreSQL.
    static let versionLifetime: Duration = .seconds(30)
    /// How long one version's list is kept.
    static let listLifetime: Duration = .seconds(600)
    /// The key of the served version.
    static let versionKey = "souk:recs:served"

    let base: any RecommendationsStore
    let cache: any DomainCache

    package init(base: any RecommendationsStore, cache: any DomainCache) {
        self.base = base
        self.cache = cache
    }

    /// The key of the list of `kind` for `subject` in `version`.
    static func listKey(version: Int64, _ kind: ScoredList.Kind, subject: String) -> String {
        "souk:recs:v\(version):\(kind.rawValue):\(subject)"
    }

    package func served(
        _ kind: ScoredList.Kind,
        subject: String
    ) async throws -> (version: Int64, list: ScoredList?) {
        let cachedVersion = await self.cache.value(for: Self.versionKey).flatMap {
            Int64(String(decoding: $0, as: UTF8.self))
        }
        if let cachedVersion,
            let bytes = await self.cache.value(for: Self.listKey(version: cachedVersion, kind, subject: subject)),
            let entry = ScoredListCoding.decode(bytes, kind: kind, subject: subject)
        {
            return (cachedVersion, entry)
        }
        let served = try await self.base.served(kind, subject: subject)
        await self.cache.store(
            ScoredListCoding.encode(served.list),
            for: Self.listKey(version: served.version, kind, subject: subject),
            lifetime: Self.listLifetime
        )
        if cachedVersion != served.version { await self.storeVersion(served.version) }
        return served
    }

    package func publish(
        at time: Date,
        _ produce: (_ write: (ScoredList) async throws -> Void) async throws -> Void
    ) async throws -> Int64 {
        let version = try await self.base.publish(at: time, produce)
        await self.storeVersion(version)
        return version
    }

    private func storeVersion(_ version: Int64) async {
        await self.cache.store(Array(String(version).utf8), for: Self.versionKey, lifetime: Self.versionLifetime)
    }
}

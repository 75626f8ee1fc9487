import Foundation
import Logging
import PostgresNIO
import SoukHost
import SoukRecommendations
import SoukRedis
import SoukStorage
import TestSupport
import Testing

/// The published lists read through a real Redis (`redis-server`, started per test) over a real PostgreSQL.
@Suite("Recommendations: the published lists through Redis", .timeLimit(.minutes(3)))
struct CachedListsTests {
    static let logger = Logger(label: "test")

    @Test(
        "a list read once is served from Redis, replaced by the next publication, and read from PostgreSQL while Redis is down"
    )
    func throughRedis() async throws {
        try await RedisServer.with { redis in
            try await TestDatabase.withFresh { _, postgres in
                _ = try await MigrationRunner(logger: Self.logger).migrate(
                    [RecommendationsMigrations.schema],
                    on: postgres
                )
                let lists = PostgresRecommendationsStore(client: postgres, logger: Self.logger)
                let client = RedisClient(configuration: .init(endpoint: redis.unixEndpoint))
                let cached = CachedRecommendationsStore(
                    base: lists,
                    cache: RedisDomainCache(client: client, logger: Self.logger)
                )
                let first = try await cached.publish(at: Date()) { write in
                    try await write(
                        ScoredList(kind: .product, subject: "p1", products: ["a", "b"], scores: [0.9, 0.5])
                    )
                }
                #expect(try await Self.products(cached, "p1") == (first, ["a", "b"]))
                #expect(try await client.get("souk:recs:v\(first):product:p1") != nil)
                #expect(try await client.get("souk:recs:served") != nil)

                // Behind the cache's back: PostgreSQL now says otherwise, and the cache still answers what it kept.
                try await postgres.query(
                    "UPDATE recommendations.lists SET products = ARRAY['z'], scores = ARRAY[1.0] WHERE subject = 'p1'"
                )
                #expect(try await Self.products(lists, "p1") == (first, ["z"]))
                #expect(try await Self.products(cached, "p1") == (first, ["a", "b"]))
                // No list is an answer too, kept like a list.
                #expect(try await Self.products(cached, "p2") == (first, nil))
                #expect(try await client.get("souk:recs:v\(first):product:p2") != nil)

                // A publication is served at once: the cached version moves on, and the old entries are unreachable.
                let second = try await cached.publish(at: Date()) { write in
                    try await write(ScoredList(kind: .product, subject: "p1", products: ["c"], scores: [0.7]))
                }
                #expect(second > first)
                #expect(try await Self.products(cached, "p1") == (second, ["c"]))

                // Redis killed: every read and publication goes on, from PostgreSQL.
                await redis.stop()
                #expect(try await Self.products(cached, "p1") == (second, ["c"]))
                let third = try await cached.publish(at: Date()) { write in
                    try await write(ScoredList(kind: .product, subject: "p1", products: ["d"], scores: [0.6]))
                }
                #expect(try await Self.products(cached, "p1") == (third, ["d"]))

                // Redis back, empty: the lists are cached again as they are read.
                try await redis.start()
                try await Self.waitUntilAnswering(client)
                #expect(try await Self.products(cached, "p1") == (third, ["d"]))
                #expect(try await client.get("souk:recs:v\(third):product:p1") != nil)
                await client.shutdown()
            }
        }
    }

    /// The served version and the products of `subject`'s product list.
    static func products(
        _ store: some RecommendationsStore,
        _ subject: String
    ) async throws -> (Int64, [String]?) {
        let served = try await store.served(.product, subject: subject)
        return (served.version, served.list?.products)
    }

    /// Waits (up to a minute) for the client to reconnect: after a failed connect it fails fast for a retry delay.
    static func waitUntilAnswering(_ client: RedisClient) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            do {
                try await client.ping()
                return
            } catch {
                guard ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}

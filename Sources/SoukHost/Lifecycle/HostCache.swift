package import Logging
import NIOCore
import ServiceLifecycle
import SoukDomain
package import SoukRedis
import Synchronization

/// The cache the host hands its domains (``SoukDomain/DomainCache``), on Redis, and the service that closes it (and
/// stops the host's own `redis-server`, if it started one) at shutdown.
enum HostCache {
    /// The domains' cache for `config`, and the services to run beside it; nil when the host has none.
    ///
    /// A cache is never worth failing a start for: an embedded Redis that will not start is a warning, and the
    /// domains answer from PostgreSQL.
    static func make(
        _ config: HostConfig,
        logger: Logger
    ) async -> (cache: (any DomainCache)?, services: [any Service]) {
        let endpoint: RedisEndpoint
        var embedded: EmbeddedRedis?
        switch config.cache {
        case .none:
            return (nil, [])
        case .redis(let given):
            endpoint = given
        case .automatic:
            let caching = HostDomains.selected(config.services).contains { $0.usesCache }
            guard config.database == .embedded, caching else { return (nil, []) }
            guard EmbeddedRedis.executable != nil else {
                logger.notice("cache: none (redis-server is not installed); recommendations answer from PostgreSQL")
                return (nil, [])
            }
            let redis = EmbeddedRedis(folder: "\(config.dataFolder)/redis")
            if !redis.isRunning {
                do {
                    try await redis.start()
                    embedded = redis
                } catch {
                    logger.warning(
                        "cache: the embedded Redis did not start; answering from PostgreSQL",
                        metadata: ["error": "\(error)"]
                    )
                    return (nil, [])
                }
            }
            endpoint = redis.endpoint
        }
        logger.notice("cache: Redis at \(endpoint)\(embedded == nil ? "" : " (embedded)")")
        let client = RedisClient(configuration: .init(endpoint: endpoint), logger: logger)
        return (RedisDomainCache(client: client, logger: logger), [Closing(client: client, embedded: embedded)])
    }

    /// Closes the client at shutdown and stops the Redis the host started.
    private struct Closing: Service {
        let client: RedisClient
        let embedded: EmbeddedRedis?

        func run() async throws {
            try? await gracefulShutdown()
            // In a task of its own, so a shutdown escalated to cancellation cannot cut the stop short.
            let (client, embedded) = (self.client, self.embedded)
            await Task {
                await client.shutdown()
                await embedded?.stop()
            }.value
        }
    }
}

/// ``SoukDomain/DomainCache`` on a ``SoukRedis/RedisClient``: a command that fails or times out is a miss. The first
/// failure after an answer is logged as a warning, and the first answer after failures as a notice.
package final class RedisDomainCache: DomainCache {
    private let client: RedisClient
    private let logger: Logger
    private let answering = Atomic<Bool>(true)

    package init(client: RedisClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    package func value(for key: String) async -> [UInt8]? {
        do {
            let value = try await self.client.get(key)
            self.noteAnswer()
            return value.map { Array(buffer: $0) }
        } catch {
            self.noteFailure(error)
            return nil
        }
    }

    package func store(_ value: [UInt8], for key: String, lifetime: Duration) async {
        do {
            try await self.client.set(key, to: ByteBuffer(bytes: value), expiresIn: lifetime)
            self.noteAnswer()
        } catch {
            self.noteFailure(error)
        }
    }

    private func noteAnswer() {
        if !self.answering.exchange(true, ordering: .relaxed) {
            self.logger.notice("cache: Redis answers again")
        }
    }

    private func noteFailure(_ error: RedisError) {
        if self.answering.exchange(false, ordering: .relaxed) {
            self.logger.warning("cache: Redis is not answering; reading PostgreSQL", metadata: ["error": "\(error)"])
        }
    }
}

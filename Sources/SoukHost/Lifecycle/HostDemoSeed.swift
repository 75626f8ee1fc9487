package import Logging
package import PostgresNIO
import SoukDemoSeed
import SoukIdentity

extension DemoSeed {
    /// A seed for the host `config` describes (its identity settings and data keys), on `postgres`.
    package init(config: HostConfig, postgres: PostgresClient, logger: Logger) throws {
        let identity = IdentityService(
            config: config.identity,
            postgres: postgres,
            ring: try config.loadDataKeys(),
            logger: logger,
            wallClock: config.wallClock
        )
        self.init(identity: identity, postgres: postgres, logger: logger)
    }

    /// The host's step that runs the seed after the services are prepared, when `config` asks for it.
    static func steps(
        config: HostConfig,
        identity: IdentityService,
        postgres: PostgresClient,
        logger: Logger
    ) -> [@Sendable () async throws -> Void] {
        guard config.seedDemo else { return [] }
        guard config.services.isSuperset(of: [.catalog, .identity]) else {
            return [{ logger.warning("demo seed skipped: it needs the catalog and identity services in this host") }]
        }
        let seed = DemoSeed(identity: identity, postgres: postgres, logger: logger)
        return [{ _ = try await seed.run() }]
    }
}

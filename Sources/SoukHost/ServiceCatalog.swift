import GRPCCore
import Logging
import PostgresNIO
import SoukCatalog
import SoukConformance
import SoukIdentity
import SoukStorage

/// What the host needs to run one named service: its RPC implementations, health names, migrations and the
/// work to do after migrating and before serving.
///
/// The one place that knows which module implements which service; add a case here when a domain lands.
struct ServiceCatalog {
    struct Entry {
        var services: [any RegistrableRPCService]
        var healthNames: [String]
        var migrations: [SchemaMigrations]
        var prepare: [@Sendable () async throws -> Void] = []
    }

    let health: HealthStatusBoard
    let logger: Logger
    /// The identity service on this host's database: hosted when selected, and always the source of the
    /// public keys the access-token verifier checks against.
    let identity: IdentityService
    let postgres: PostgresClient

    init(health: HealthStatusBoard, logger: Logger, postgres: PostgresClient, dataKeys: DataKeyRing, config: HostConfig)
    {
        self.health = health
        self.logger = logger
        self.identity = IdentityService(config: config.identity, postgres: postgres, ring: dataKeys, logger: logger)
        self.postgres = postgres
    }

    /// The schemas of `name`, without building its service (for `soukd migrate`).
    static func migrations(for name: ServiceName) -> [SchemaMigrations] {
        switch name {
        case .identity: [IdentityMigrations.schema]
        case .catalog: [CatalogMigrations.schema]
        default: []
        }
    }

    func entry(for name: ServiceName) -> Entry {
        switch name {
        case .testing:
            return Entry(services: [TestService()], healthNames: [TestService.serviceName], migrations: [])
        case .identity:
            let identity = self.identity
            return Entry(
                services: [identity],
                healthNames: [IdentityService.serviceName],
                migrations: Self.migrations(for: name),
                prepare: [{ try await identity.prepare() }]
            )
        case .catalog:
            let catalog = CatalogService(postgres: self.postgres, logger: self.logger)
            let orders = OrderService(postgres: self.postgres, logger: self.logger)
            return Entry(
                services: [catalog, orders],
                healthNames: [CatalogService.serviceName, OrderService.serviceName],
                migrations: Self.migrations(for: name),
                prepare: [{ try await catalog.prepare() }]
            )
        default:
            preconditionFailure("ServiceCatalog has no entry for \(name); add one when the service lands")
        }
    }
}

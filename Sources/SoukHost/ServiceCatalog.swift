import GRPCCore
import Logging
import SoukConformance
import SoukStorage

/// What the host needs to run one named service: its RPC implementations, health names and migrations.
///
/// The one place that knows which module implements which service; add a case here when a domain lands.
struct ServiceCatalog {
    struct Entry {
        var services: [any RegistrableRPCService]
        var healthNames: [String]
        var migrations: [SchemaMigrations]
    }

    let health: HealthStatusBoard
    let logger: Logger

    func entry(for name: ServiceName) -> Entry {
        switch name {
        case .testing:
            return Entry(services: [TestService()], healthNames: [TestService.serviceName], migrations: [])
        default:
            preconditionFailure("ServiceCatalog has no entry for \(name); add one when the service lands")
        }
    }
}

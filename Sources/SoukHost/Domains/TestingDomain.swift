import GRPCCore
import SoukAPI
import SoukAccess
import SoukConformance
import SoukDomain
import SoukStorage

/// The conformance and benchmark service (`--services testing`): no schema, every method open to anyone.
///
/// `UnimplementedService` is declared by the conformance suite and deliberately not served: its calls must reach
/// the router (UNIMPLEMENTED), so it has a policy but no implementation and no health name.
struct TestingDomain: Domain {
    static let name = "testing"
    static let serviceDescriptors = [
        Souk_Testing_V1_TestService.descriptor, Souk_Testing_V1_UnimplementedService.descriptor,
    ]
    static let migrations: [SchemaMigrations] = []
    static let accessPolicy: [MethodDescriptor: AccessRequirement] = Dictionary(
        uniqueKeysWithValues: (Souk_Testing_V1_TestService.Method.descriptors
            + Souk_Testing_V1_UnimplementedService.Method.descriptors).map { ($0, AccessRequirement.anyone) }
    )

    static func make(context: DomainContext) throws -> Self { Self() }

    var services: [any RegistrableRPCService] { [TestService()] }
    var healthNames: [String] { [TestService.serviceName] }
}

import GRPCCore
import SoukAPI
package import SoukAccess
import SoukCatalog
package import SoukDomain
import SoukIdentity
import SoukStorage

/// The domains this build can host: the one list a new domain joins.
///
/// Everything else the host knows of a domain (its `--services` name, schemas, access policy, services, health
/// names and preparation) comes from its ``SoukDomain/Domain`` conformance.
package enum HostDomains {
    /// Every domain, in the order they are prepared.
    package static let all: [any Domain.Type] = [
        IdentityDomain.self,
        CatalogDomain.self,
        TestingDomain.self,
    ]

    /// The domain named `name`; every ``ServiceName`` is one of ``all`` by construction.
    static func domain(_ name: ServiceName) -> any Domain.Type {
        // ServiceName can only be made from this list, so the lookup cannot miss.
        Self.all.first { $0.name == name.rawValue }!
    }

    /// The host's own services, which every host runs: health checking, open to anyone.
    package static let hostServiceNames = [Grpc_Health_V1_Health.descriptor.fullyQualifiedService]

    /// The access policy of every domain (hosted here or not: calls to a service not hosted never reach it) and
    /// of the host's own services.
    package static let accessPolicy: AccessPolicy = {
        var rules: [MethodDescriptor: AccessRequirement] = [:]
        for method in Grpc_Health_V1_Health.Method.descriptors { rules[method] = .anyone }
        var beforePasswordChange: Set<MethodDescriptor> = []
        for domain in Self.all {
            rules.merge(domain.accessPolicy) { first, _ in first }
            beforePasswordChange.formUnion(domain.allowedBeforePasswordChange)
        }
        return AccessPolicy(rules: rules, allowedBeforePasswordChange: beforePasswordChange)
    }()

    /// Builds the domains named in `names`, in ``all``'s order.
    static func make(_ names: Set<ServiceName>, context: DomainContext) throws -> [any Domain] {
        try Self.all.filter { names.contains(ServiceName(domain: $0)) }.map { try $0.make(context: context) }
    }
}

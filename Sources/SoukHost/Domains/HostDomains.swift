package import GRPCCore
import SoukAPI
package import SoukAccess
import SoukCatalog
import SoukDelivery
package import SoukDomain
import SoukIdentity
import SoukPayments
import SoukRecommendations
import SoukReporting
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
        PaymentsDomain.self,
        DeliveryDomain.self,
        ReportingDomain.self,
        RecommendationsDomain.self,
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

    /// The domains named in `names`, in ``all``'s order.
    static func selected(_ names: Set<ServiceName>) -> [any Domain.Type] {
        Self.all.filter { names.contains(ServiceName(domain: $0)) }
    }

    /// Where each service the hosted domains call but do not host runs.
    ///
    /// - Throws: ``HostError`` (`invalidConfiguration`) naming the domain that calls a service this host neither
    ///   runs nor has an address for, and the two ways to fix it.
    package static func remoteCalls(
        _ names: Set<ServiceName>,
        remote: [ServiceName: HostConfig.RemoteDomain]
    ) throws -> [ServiceDescriptor: HostConfig.RemoteDomain] {
        let hosted = Set(Self.selected(names).flatMap { $0.serviceDescriptors })
        var calls: [ServiceDescriptor: HostConfig.RemoteDomain] = [:]
        for domain in Self.selected(names) {
            for service in domain.requiredServices where !hosted.contains(service) {
                guard let owner = Self.all.first(where: { $0.serviceDescriptors.contains(service) }) else {
                    throw HostError(
                        code: .invalidConfiguration,
                        message: "\(domain.name) calls \(service.fullyQualifiedService), which no domain provides"
                    )
                }
                guard let endpoint = remote[ServiceName(domain: owner)] else {
                    throw HostError(
                        code: .invalidConfiguration,
                        message: """
                            \(domain.name) calls \(owner.name) (\(service.fullyQualifiedService)): host it here too \
                            (--services \(domain.name),\(owner.name)) or say where it runs (--remote \(owner.name)=HOST:PORT)
                            """
                    )
                }
                calls[service] = endpoint
            }
            for service in domain.optionalServices where !hosted.contains(service) {
                if let owner = Self.all.first(where: { $0.serviceDescriptors.contains(service) }),
                    let endpoint = remote[ServiceName(domain: owner)]
                {
                    calls[service] = endpoint
                }
            }
        }
        return calls
    }
}

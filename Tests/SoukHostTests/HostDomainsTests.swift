import GRPCCore
import GRPCInProcessTransport
import Logging
import PostgresNIO
import SoukAccess
import SoukDomain
import SoukHost
import SoukIdentity
import TestSupport
import Testing

@Suite("The domains of the host: one registration each")
struct HostDomainsTests {
    /// Every domain built on a pool that never connects (building a domain must not touch the database).
    static func builtDomains() throws -> [any Domain] {
        let logger = Logger(label: "host-domains-test")
        let postgres = PostgresClient(
            configuration: .init(
                host: "127.0.0.1",
                port: 9,
                username: "nobody",
                password: nil,
                database: nil,
                tls: .disable
            ),
            backgroundLogger: logger
        )
        var settings = DomainSettings()
        settings[IdentityService.self] = IdentityService(
            config: HostConfig.defaults.identity,
            postgres: postgres,
            ring: try DataKeyRing(keys: [DataKeyRing.newKey()]),
            logger: logger
        )
        // Clients that are never run: building a domain must not call another either.
        let unused = UnusedSource(client: GRPCClient(transport: InProcessTransport().client))
        var sources: [ServiceDescriptor: any DomainClientSource] = [:]
        for domain in HostDomains.all {
            for service in domain.serviceDescriptors { sources[service] = unused }
        }
        let context = DomainContext(
            postgres: postgres,
            logger: logger,
            settings: settings,
            clients: DomainClients(sources: sources)
        )
        return try HostDomains.all.map { try $0.make(context: context) }
    }

    struct UnusedSource: DomainClientSource {
        let client: GRPCClient<InProcessTransport.Client>

        func client<Maker: DomainClientMaker>(_ maker: Maker) -> Maker.Client { maker.make(self.client) }
    }

    @Test("every service declared in Protos/ belongs to exactly one registered domain or to the host")
    func everyServiceHasADomain() throws {
        let declared = Set(try DeclaredServices.walk().keys)
        #expect(declared.count >= 6, "the walk found the services: \(declared.sorted())")
        var owners: [String: [String]] = [:]
        for domain in HostDomains.all {
            for service in domain.serviceDescriptors {
                owners[service.fullyQualifiedService, default: []].append(domain.name)
            }
        }
        for service in HostDomains.hostServiceNames { owners[service, default: []].append("host") }
        let orphans = declared.subtracting(owners.keys)
        #expect(orphans.isEmpty, "generated services with no registered domain: \(orphans.sorted())")
        let unknown = Set(owners.keys).subtracting(declared)
        #expect(unknown.isEmpty, "domains claim services that Protos/ does not declare: \(unknown.sorted())")
        let shared = owners.filter { $0.value.count > 1 }
        #expect(shared.isEmpty, "services claimed twice: \(shared)")
        #expect(Set(HostDomains.all.map { $0.name }).count == HostDomains.all.count, "domain names are unique")
    }

    @Test("each domain's policy covers exactly the methods of its own services")
    func everyMethodHasAPolicy() throws {
        let declared = try DeclaredServices.walk()
        for domain in HostDomains.all {
            let methods = domain.serviceDescriptors.reduce(into: Set<String>()) {
                $0.formUnion(declared[$1.fullyQualifiedService] ?? [])
            }
            let policy = Set(domain.accessPolicy.keys.map(\.fullyQualifiedMethod))
            let missing = methods.subtracting(policy)
            #expect(missing.isEmpty, "\(domain.name): methods with no policy: \(missing.sorted())")
            let stale = policy.subtracting(methods)
            #expect(stale.isEmpty, "\(domain.name): policies naming no method of its services: \(stale.sorted())")
        }
    }

    @Test("every method a domain serves is one of its declared services' and has a policy; health names match")
    func servedMethods() throws {
        let declared = try DeclaredServices.walk()
        let policy = HostDomains.accessPolicy
        for domain in try Self.builtDomains() {
            let type = type(of: domain)
            var router = RPCRouter<InProcessTransport.Server>()
            for service in domain.services { service.registerMethods(with: &router) }
            let served = Set(router.methods.map(\.fullyQualifiedMethod))
            #expect(!served.isEmpty, "\(type.name) serves nothing")
            let ownServices = Set(type.serviceDescriptors.map(\.fullyQualifiedService))
            for method in served {
                #expect(ownServices.contains(String(method.prefix { $0 != "/" })), "\(type.name) serves \(method)")
                #expect(policy.requirement(for: method) != nil, "\(method) has no access policy")
            }
            // A served service is served whole: no declared method is left to the router's UNIMPLEMENTED.
            for service in Set(router.methods.map(\.service.fullyQualifiedService)) {
                let missing = (declared[service] ?? []).subtracting(served)
                #expect(missing.isEmpty, "\(type.name) leaves unserved: \(missing.sorted())")
                #expect(domain.healthNames.contains(service), "\(type.name) reports no health for \(service)")
            }
        }
    }

    @Test("every service a domain calls is provided by a registered domain")
    func requiredServicesExist() {
        let provided = Set(HostDomains.all.flatMap { $0.serviceDescriptors })
        for domain in HostDomains.all {
            for service in domain.requiredServices {
                #expect(provided.contains(service), "\(domain.name) calls \(service), which no domain provides")
            }
        }
    }

    @Test("the --services names are the domains' names")
    func names() {
        #expect(ServiceName.all.map(\.rawValue) == HostDomains.all.map { $0.name }.sorted())
        #expect(ServiceName.all.contains(.identity) && ServiceName.all.contains(.catalog))
    }
}

import Foundation
import GRPCCore
import SoukAPI
import SoukAccess
import Testing

@Suite("The access policy table")
struct AccessPolicyTests {
    /// Every `package.Service/Method` declared in `Protos/`, read from the .proto files themselves, so a service
    /// added later is walked without touching this test.
    static func declaredMethods() throws -> Set<String> {
        let protos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Protos")
            .standardized
        var methods: Set<String> = []
        let files = FileManager.default.enumerator(at: protos, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "proto" else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            var package = ""
            var service = ""
            for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if line.hasPrefix("package ") {
                    package = String(line.dropFirst(8).prefix { $0 != ";" })
                } else if line.hasPrefix("service ") {
                    service = String(line.dropFirst(8).prefix { $0 != " " && $0 != "{" })
                } else if line.hasPrefix("rpc "), !service.isEmpty {
                    let name = line.dropFirst(4).prefix { $0 != "(" && $0 != " " }
                    methods.insert("\(package).\(service)/\(name)")
                }
            }
        }
        return methods
    }

    @Test("every method of every service in Protos/ has a policy, and the table names no method that does not exist")
    func everyMethodHasAPolicy() throws {
        let declared = try Self.declaredMethods()
        #expect(declared.count > 30, "the walk found the services (\(declared.count) methods)")
        let missing = declared.subtracting(AccessPolicy.table.keys)
        #expect(missing.isEmpty, "no access policy: \(missing.sorted())")
        let stale = Set(AccessPolicy.table.keys).subtracting(declared)
        #expect(stale.isEmpty, "policies for methods that do not exist: \(stale.sorted())")
    }

    @Test("the generated descriptors agree with the walk")
    func generatedDescriptors() throws {
        let generated =
            Grpc_Health_V1_Health.Method.descriptors + Souk_Testing_V1_TestService.Method.descriptors
            + Souk_Identity_V1_IdentityService.Method.descriptors
        for descriptor in generated {
            #expect(AccessPolicy.requirement(for: descriptor.fullyQualifiedMethod) != nil, "\(descriptor)")
        }
    }

    @Test("a method outside the table is denied; roles grant what the README says")
    func denyByDefault() {
        #expect(AccessPolicy.requirement(for: "souk.catalog.v1.CatalogService/DropEverything") == nil)
        #expect(RolePermissions.permissions(of: .customer) == [.ownAccount, .ownCart, .ownOrders])
        #expect(
            RolePermissions.permissions(of: .staff) == [
                .ownAccount, .readAccounts, .editCatalog, .ownCart, .ownOrders, .manageOrders,
            ]
        )
        #expect(RolePermissions.permissions(of: .admin) == Set(Permission.all))
        #expect(RolePermissions.permissions(of: .service).isEmpty)
    }

    @Test("peer strings become addresses")
    func peers() {
        #expect(Caller.address(fromPeer: "ipv4:127.0.0.1:5123") == "127.0.0.1")
        #expect(Caller.address(fromPeer: "ipv6:[::1]:5123") == "::1")
        #expect(Caller.address(fromPeer: "in-process:42") == "in-process:42")
    }
}

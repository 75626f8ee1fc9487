import GRPCCore
import SoukAPI
import SoukAccess
import SoukHost
import TestSupport
import Testing

@Suite("The access policy table")
struct AccessPolicyTests {
    /// The policy every host enforces, assembled from the domains.
    static let policy = HostDomains.accessPolicy

    @Test("every method of every service in Protos/ has a policy, and the table names no method that does not exist")
    func everyMethodHasAPolicy() throws {
        let declared = try DeclaredServices.methods()
        #expect(declared.count > 30, "the walk found the services (\(declared.count) methods)")
        let missing = declared.subtracting(Self.policy.methods)
        #expect(missing.isEmpty, "no access policy: \(missing.sorted())")
        let stale = Self.policy.methods.subtracting(declared)
        #expect(stale.isEmpty, "policies for methods that do not exist: \(stale.sorted())")
    }

    @Test("the generated descriptors agree with the walk")
    func generatedDescriptors() throws {
        let generated =
            Grpc_Health_V1_Health.Method.descriptors + Souk_Testing_V1_TestService.Method.descriptors
            + Souk_Identity_V1_IdentityService.Method.descriptors + Souk_Catalog_V1_CatalogService.Method.descriptors
            + Souk_Catalog_V1_OrderService.Method.descriptors + Souk_Payments_V1_PaymentService.Method.descriptors
        for descriptor in generated {
            #expect(Self.policy.requirement(for: descriptor.fullyQualifiedMethod) != nil, "\(descriptor)")
        }
    }

    @Test("a method outside the table is denied; roles grant what the README says")
    func denyByDefault() {
        #expect(Self.policy.requirement(for: "souk.catalog.v1.CatalogService/DropEverything") == nil)
        #expect(Self.policy.isAllowedBeforePasswordChange("souk.identity.v1.IdentityService/ChangePassword"))
        #expect(!Self.policy.isAllowedBeforePasswordChange("souk.catalog.v1.OrderService/PlaceOrder"))
        #expect(RolePermissions.permissions(of: .customer) == [.ownAccount, .ownCart, .ownOrders])
        #expect(
            RolePermissions.permissions(of: .staff) == [
                .ownAccount, .readAccounts, .editCatalog, .ownCart, .ownOrders, .manageOrders, .managePayments,
                .manageDelivery, .readWarehouses, .readReports,
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

/// The one table that says what every RPC method of every Souk service requires. A method that is not in the
/// table is denied (``AuthorizationInterceptor``), and a test fails the build if a generated method is missing.
package enum AccessPolicy {
    /// What a method requires of its caller.
    package enum Requirement: Sendable, Hashable {
        /// Anyone, with or without a token (sign-up, login, health, the public key set).
        case anyone
        /// A caller with a valid token and this permission.
        case permission(Permission)
    }

    /// Method (`package.Service/Method`) → requirement.
    package static let table: [String: Requirement] = {
        var table: [String: Requirement] = [:]
        // Health checks: load balancers and probes call them without credentials.
        for method in ["Check", "Watch"] { table["grpc.health.v1.Health/\(method)"] = .anyone }
        // The conformance and benchmark service: hosted only with --services testing (or all, in development).
        for method in [
            "EmptyCall", "UnaryCall", "Echo", "Sleep", "StreamingOutputCall", "StreamBytes", "StreamingInputCall",
            "FullDuplexCall", "HalfDuplexCall", "UnimplementedCall",
        ] {
            table["souk.testing.v1.TestService/\(method)"] = .anyone
        }
        table["souk.testing.v1.UnimplementedService/UnimplementedCall"] = .anyone
        let identity = "souk.identity.v1.IdentityService/"
        for method in [
            "SignUp", "Login", "Refresh", "ClientCredentials", "GetJwks", "BeginExternalSignIn",
            "CompleteExternalSignIn",
        ] {
            table[identity + method] = .anyone
        }
        for method in [
            "Logout", "GetMyAccount", "UpdateMyProfile", "ListMySessions", "RevokeMySession", "ChangePassword",
            "BeginTotpEnrollment", "ConfirmTotpEnrollment", "DisableTotp",
        ] {
            table[identity + method] = .permission(.ownAccount)
        }
        for method in ["GetAccount", "ListAccounts"] { table[identity + method] = .permission(.readAccounts) }
        for method in ["CreateAccount", "SetAccountDisabled", "SetRoles", "CreateServiceAccount"] {
            table[identity + method] = .permission(.manageAccounts)
        }
        table[identity + "RotateSigningKey"] = .permission(.manageKeys)
        let catalog = "souk.catalog.v1.CatalogService/"
        for method in ["ListCategories", "GetProduct", "SearchProducts"] { table[catalog + method] = .anyone }
        for method in [
            "CreateCategory", "CreateProduct", "PublishProduct", "UpdateProduct", "ImportProducts", "SetStock",
            "GetStock", "ReserveStock",
            "ConsumeReservation", "ReleaseReservation",
        ] {
            table[catalog + method] = .permission(.editCatalog)
        }
        for method in ["GetCart", "SetCartLine"] { table[catalog + method] = .permission(.ownCart) }
        let orders = "souk.catalog.v1.OrderService/"
        // GetOrder also lets staff (orders.manage) read any order; the service checks ownership otherwise.
        for method in ["PlaceOrder", "ListMyOrders", "CancelMyOrder", "GetOrder"] {
            table[orders + method] = .permission(.ownOrders)
        }
        for method in ["ListOrders", "UpdateOrderStatus", "WatchOrders"] {
            table[orders + method] = .permission(.manageOrders)
        }
        table[orders + "StreamEvents"] = .permission(.readEvents)
        table[identity + "ListAuditEvents"] = .permission(.readAudit)
        return table
    }()

    /// The methods a caller who must change a one-time password may still call.
    package static let allowedBeforePasswordChange: Set<String> = [
        "souk.identity.v1.IdentityService/ChangePassword",
        "souk.identity.v1.IdentityService/GetMyAccount",
        "souk.identity.v1.IdentityService/Logout",
    ]

    /// The requirement of `method`, or nil: not in the table, so denied.
    package static func requirement(for method: String) -> Requirement? {
        Self.table[method]
    }
}

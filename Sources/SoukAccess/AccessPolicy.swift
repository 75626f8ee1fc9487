package import GRPCCore

/// What every RPC method of the hosted services requires, assembled from each domain's rules. A method that is not
/// in the table is denied (``AuthorizationInterceptor``), and a test fails if a generated method is missing.
package struct AccessPolicy: Sendable {
    /// What a method requires of its caller.
    package enum Requirement: Sendable, Hashable {
        /// Anyone, with or without a token (sign-up, login, health, the public key set).
        case anyone
        /// A caller with a valid token and this permission.
        case permission(Permission)
    }

    private let table: [String: Requirement]
    private let beforePasswordChange: Set<String>

    /// A policy from the rules of every hosted domain.
    ///
    /// - Parameters:
    ///   - rules: what each method requires, keyed by its generated descriptor.
    ///   - allowedBeforePasswordChange: the methods a caller who must change a one-time password may still call.
    package init(rules: [MethodDescriptor: Requirement], allowedBeforePasswordChange: Set<MethodDescriptor> = []) {
        self.table = Dictionary(uniqueKeysWithValues: rules.map { ($0.key.fullyQualifiedMethod, $0.value) })
        self.beforePasswordChange = Set(allowedBeforePasswordChange.map(\.fullyQualifiedMethod))
    }

    /// Every method (`package.Service/Method`) the policy names.
    package var methods: Set<String> { Set(self.table.keys) }

    /// The requirement of `method` (`package.Service/Method`), or nil: not in the table, so denied.
    package func requirement(for method: String) -> Requirement? {
        self.table[method]
    }

    /// Whether a caller who must change a one-time password may call `method`.
    package func isAllowedBeforePasswordChange(_ method: String) -> Bool {
        self.beforePasswordChange.contains(method)
    }
}

/// What a method requires of its caller: ``AccessPolicy/Requirement``, by the name domains use.
package typealias AccessRequirement = AccessPolicy.Requirement

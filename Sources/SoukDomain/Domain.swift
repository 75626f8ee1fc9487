package import GRPCCore
package import SoukAccess
package import SoukStorage

/// One domain a host can run: its services, schemas, access policy and start-up work, declared once.
///
/// A domain module conforms one type to this protocol, and `SoukHost` lists that type once; nothing else in the
/// host names the domain. Domains never import each other.
///
/// ```swift
/// package struct PaymentsDomain: Domain {
///     package static let name = "payments"
///     package static let serviceDescriptors = [Souk_Payments_V1_PaymentService.descriptor]
///     package static let migrations = [PaymentsMigrations.schema]
///     package static let accessPolicy: [MethodDescriptor: AccessRequirement] = [
///         Souk_Payments_V1_PaymentService.Method.CreatePayment.descriptor: .permission(.ownOrders),
///     ]
///     let service: PaymentService
///     package static func make(context: DomainContext) throws -> Self { … }
///     package var services: [any RegistrableRPCService] { [self.service] }
/// }
/// ```
package protocol Domain: Sendable {
    /// The name as `soukd --services` spells it: lower-case, stable.
    static var name: String { get }
    /// The generated services this domain implements; each must be served by ``services``.
    static var serviceDescriptors: [ServiceDescriptor] { get }
    /// The schemas this domain owns, migrated before it serves (and by `soukd migrate`).
    static var migrations: [SchemaMigrations] { get }
    /// What every method of ``serviceDescriptors`` requires of its caller, keyed by the generated descriptor.
    ///
    /// Deny by default: a method missing here is refused, and a test fails when a method has no entry or an
    /// entry names a method the domain does not serve.
    static var accessPolicy: [MethodDescriptor: AccessRequirement] { get }
    /// The methods a caller who must still change a one-time password may call (default: none).
    static var allowedBeforePasswordChange: Set<MethodDescriptor> { get }
    /// Other domains' services this domain calls through ``DomainContext/clients`` (default: none). A host that
    /// neither runs one of them nor knows where it runs refuses to start, naming it.
    static var requiredServices: [ServiceDescriptor] { get }
    /// Other domains' services this domain calls only when the host has them, hosted here or named with
    /// `--remote` (default: none); the domain checks ``DomainClients/reaches(_:)`` and does without otherwise.
    static var optionalServices: [ServiceDescriptor] { get }
    /// What the domain's own calls to other domains need (default: none): a host that runs identity and has no
    /// `--service-client-id` signs them as its own service account with these scopes.
    static var serviceScopes: Set<Permission> { get }
    /// Whether the domain keeps answers in ``DomainContext/cache`` (default: no). A host whose domains do not starts
    /// no cache of its own.
    static var usesCache: Bool { get }

    /// Builds the domain's services on this host.
    ///
    /// - Throws: when the context lacks something the domain needs (a setting it cannot run without).
    static func make(context: DomainContext) throws -> Self

    /// The RPC implementations, served on every wire of the host.
    var services: [any RegistrableRPCService] { get }
    /// The names health checks report for this domain (default: its services' fully qualified names).
    var healthNames: [String] { get }
    /// Work after migrating and before serving, such as creating a first signing key (default: nothing).
    func prepare() async throws
    /// Work the domain does beside its calls while the host serves, such as expiring what ran out (default:
    /// nothing). Started once the host is prepared; stopped by task cancellation at shutdown.
    func runInBackground() async throws
}

extension Domain {
    package static var allowedBeforePasswordChange: Set<MethodDescriptor> { [] }

    package static var requiredServices: [ServiceDescriptor] { [] }
    package static var optionalServices: [ServiceDescriptor] { [] }
    package static var serviceScopes: Set<Permission> { [] }
    package static var usesCache: Bool { false }

    package var healthNames: [String] { Self.serviceDescriptors.map(\.fullyQualifiedService) }

    package func prepare() async throws {}
    package func runInBackground() async throws {}
}

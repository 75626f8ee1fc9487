package import GRPCCore

/// How the SWP server finds the directly callable methods of one generated service protocol.
///
/// `protoc-gen-souk-swp` writes one per service (`<Service>.swpBinding`) and an index of them all
/// (`SWPServiceBindings.all` in SoukAPI). The server asks each binding about each service it is given; a binding
/// answers with the methods when the service conforms to its generated `StreamingServiceProtocol`, and `nil`
/// otherwise.
package struct SWPServiceBinding: Sendable {
    /// The service this binding serves.
    package let service: ServiceDescriptor
    private let makeMethods: @Sendable (any RegistrableRPCService) -> [SWPMethod]?

    /// A binding for `service` whose methods `methods` makes from a conforming implementation.
    package init(
        service: ServiceDescriptor,
        methods: @escaping @Sendable (any RegistrableRPCService) -> [SWPMethod]?
    ) {
        self.service = service
        self.makeMethods = methods
    }

    /// The methods of `implementation`, or `nil` when it does not implement this binding's service.
    package func methods(of implementation: any RegistrableRPCService) -> [SWPMethod]? {
        self.makeMethods(implementation)
    }
}

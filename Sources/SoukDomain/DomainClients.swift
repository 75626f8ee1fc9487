package import GRPCCore

/// Turns a running `GRPCClient` of any transport into the typed client a domain uses, usually the generated
/// `Client(wrapping:)` of another domain's service.
package protocol DomainClientMaker<Client>: Sendable {
    /// The typed client made.
    associatedtype Client: Sendable
    /// The typed client over `client`.
    func make<Transport: ClientTransport>(_ client: GRPCClient<Transport>) -> Client
}

/// Where calls to one service go: a `GRPCClient` the host runs, over GRPCCore's in-process transport when the
/// service is hosted in this process, over SWP when it runs elsewhere.
package protocol DomainClientSource: Sendable {
    /// `maker`'s typed client over this source's `GRPCClient`.
    func client<Maker: DomainClientMaker>(_ maker: Maker) -> Maker.Client
}

/// The clients of other domains' services the host hands a domain: the only way a domain reaches another.
///
/// ```swift
/// let identity = try context.clients.client(of: Souk_Identity_V1_IdentityService.descriptor, IdentityClient())
/// let account = try await identity.getMyAccount(.init(), metadata: caller.forwardedCredentials)
/// ```
package struct DomainClients: Sendable {
    private let sources: [String: any DomainClientSource]

    /// Clients for each service in `sources`.
    package init(sources: [ServiceDescriptor: any DomainClientSource] = [:]) {
        self.sources = Dictionary(uniqueKeysWithValues: sources.map { ($0.key.fullyQualifiedService, $0.value) })
    }

    /// Whether calls to `service` have somewhere to go.
    package func reaches(_ service: ServiceDescriptor) -> Bool {
        self.sources[service.fullyQualifiedService] != nil
    }

    /// The typed client of `service`.
    ///
    /// - Throws: ``DomainError`` when the host has neither the service nor an address for it; a host checks a
    ///   domain's ``Domain/requiredServices`` before building it, so this names a domain that did not declare one.
    package func client<Maker: DomainClientMaker>(
        of service: ServiceDescriptor,
        _ maker: Maker
    ) throws -> Maker.Client {
        guard let source = self.sources[service.fullyQualifiedService] else {
            throw DomainError("no client for \(service.fullyQualifiedService): declare it in requiredServices")
        }
        return source.client(maker)
    }
}

/// A domain could not be built or wired: the message says what is missing.
package struct DomainError: Error, Hashable, CustomStringConvertible {
    /// What is wrong, safe to show an operator.
    package let message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { self.message }
}

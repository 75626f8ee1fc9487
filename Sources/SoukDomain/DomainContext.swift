package import Logging
package import PostgresNIO

/// What the host hands a domain when it builds it.
package struct DomainContext: Sendable {
    /// The process's one PostgreSQL pool; the domain reads and writes only its own schemas through it.
    package var postgres: PostgresClient
    /// The host's logger.
    package var logger: Logger
    /// Settings the host has for particular domains, by type.
    package var settings: DomainSettings
    /// Clients of the other domains' services this domain declared in ``Domain/requiredServices``.
    package var clients: DomainClients
    /// The wall clock expiries are set and checked by.
    package var wallClock: WallClock
    /// The cache the host shares between replicas (Redis), or nil when it has none: then every answer is read from
    /// PostgreSQL.
    package var cache: (any DomainCache)?

    package init(
        postgres: PostgresClient,
        logger: Logger,
        settings: DomainSettings = DomainSettings(),
        clients: DomainClients = DomainClients(),
        wallClock: WallClock = .system,
        cache: (any DomainCache)? = nil
    ) {
        self.postgres = postgres
        self.logger = logger
        self.settings = settings
        self.clients = clients
        self.wallClock = wallClock
        self.cache = cache
    }
}

/// Values for particular domains, one per type: a domain defines a settings type and reads it back here, so the
/// host passes configuration without a field per domain in this module.
package struct DomainSettings: Sendable {
    private var values: [ObjectIdentifier: any Sendable] = [:]

    package init() {}

    /// The value of type `T`, if the host set one.
    package subscript<T: Sendable>(_ type: T.Type) -> T? {
        get { self.values[ObjectIdentifier(type)] as? T }
        set { self.values[ObjectIdentifier(type)] = newValue }
    }
}

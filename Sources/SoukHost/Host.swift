import Foundation
package import GRPCCore
package import GRPCInProcessTransport
import GRPCNIOTransportHTTP2
package import Logging
import PostgresNIO
package import Prometheus
package import ServiceLifecycle
import SoukAPI
import SoukAccess
import SoukClient
import SoukDelivery
import SoukDemoSeed
package import SoukDomain
import SoukIdentity
import SoukMetrics
import SoukPayments
import SoukStorage
import SoukTLS
import SoukWire
package import UnixSignals

/// The composition root: turns a ``HostConfig`` into running services.
///
/// ```swift
/// let host = Host(config: .defaults, logger: logger)
/// let prepared = try await host.prepare(onReady: { info in print(info) })
/// let group = prepared.serviceGroup(gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
package struct Host: Sendable {
    /// The configuration this host runs with.
    package let config: HostConfig
    /// The health board `grpc.health.v1.Health` reports from.
    package let health: HealthStatusBoard
    private let logger: Logger

    /// Creates a host; nothing starts until ``prepare(onReady:)``.
    package init(config: HostConfig, logger: Logger) {
        self.config = config
        self.health = HealthStatusBoard()
        self.logger = logger
    }

    /// The services of a prepared host, in start order, and the RPC server among them.
    package struct Prepared: Sendable {
        /// Run these in one `ServiceGroup`, in this order (they stop in reverse); ``serviceGroup(gracefulShutdownSignals:logger:)``
        /// makes that group.
        package var services: [any Service]
        /// The RPC server, for its ready information.
        package var rpcServer: RPCServerService
        /// A client of every hosted domain over GRPCCore's in-process transport, through the same access policy as
        /// the network wires; it runs with the group. Its calls carry only the tokens their callers give them.
        package var inProcessClient: GRPCClient<InProcessTransport.Client>
        /// The other domains' clients as the domains are handed them: a call with no token is signed as the host's
        /// service account.
        package var domainClients: DomainClients
        /// How long a graceful shutdown may take before the group cancels what is still running.
        package var drainTimeout: Duration
        /// The registry the metrics endpoint serves, for other parts of the process to add theirs to (soukd's
        /// built-in bridge); nil when metrics are off.
        package var metricsRegistry: PrometheusCollectorRegistry?

        /// The group that runs ``services``: any of them returning or failing shuts the whole group down
        /// gracefully, and a graceful shutdown still running after the drain timeout is escalated to cancellation
        /// (swift-service-lifecycle's maximum graceful shutdown duration), which cuts off the calls left.
        package func serviceGroup(gracefulShutdownSignals: [UnixSignal] = [], logger: Logger) -> ServiceGroup {
            var configuration = ServiceGroupConfiguration(
                services: self.services.map {
                    .init(
                        service: $0,
                        successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup
                    )
                },
                gracefulShutdownSignals: gracefulShutdownSignals,
                cancellationSignals: [],
                logger: logger
            )
            configuration.maximumGracefulShutdownDuration = self.drainTimeout
            return ServiceGroup(configuration: configuration)
        }
    }

    /// Checks the configuration, prepares TLS and starts the database; returns the services to run.
    ///
    /// Order matters: cheap checks (ports, TLS files) come before the embedded cluster starts, so a bad setting
    /// never leaves a database running behind it.
    /// - Throws: ``HostError``, ``SoukStorage/StorageError`` or ``SoukTLS/TLSError`` saying what to fix.
    package func prepare(onReady: @escaping @Sendable (ReadyInfo) -> Void = { _ in }) async throws -> Prepared {
        try self.validate()
        if self.config.listens {
            try PortCheck.ensureAvailable(
                host: self.config.grpc.host,
                port: self.config.grpc.port,
                setting: "--grpc-port / SOUK_GRPC_PORT"
            )
            try PortCheck.ensureAvailable(
                host: self.config.swp.host,
                port: self.config.swp.port,
                setting: "--swp-port / SOUK_SWP_PORT"
            )
        }
        if let metrics = self.config.metrics {
            try PortCheck.ensureAvailable(
                host: metrics.host,
                port: metrics.port,
                setting: "--metrics-port / SOUK_METRICS_PORT"
            )
        }
        let remoteCalls = try HostDomains.remoteCalls(self.config.services, remote: self.config.remoteDomains)
        let (security, swpTLS, caPath) = self.config.listens ? try self.makeTransportSecurity() : (.plaintext, nil, nil)
        let dataKeys = try self.config.loadDataKeys()

        var services: [any Service] = []
        let databaseURL: DatabaseURL
        switch self.config.database {
        case .embedded:
            let cluster = try EmbeddedCluster(dataFolder: self.config.dataFolder, logger: self.logger)
            let lease = try await cluster.start()
            services.append(EmbeddedClusterService(cluster: cluster, lease: lease, logger: self.logger))
            databaseURL = cluster.databaseURL
        case .url(let url):
            databaseURL = url
        }
        let postgresConfiguration = databaseURL.makeClientConfiguration()
        let postgres = PostgresClient(configuration: postgresConfiguration, backgroundLogger: self.logger)
        services.append(postgres)

        // The identity service is built even when identity is hosted elsewhere: its keys in the shared database are
        // what every token verifier checks against.
        let identity = IdentityService(
            config: self.config.identity,
            postgres: postgres,
            ring: dataKeys,
            logger: self.logger,
            wallClock: self.config.wallClock
        )
        var settings = DomainSettings()
        settings[IdentityService.self] = identity
        settings[PaymentsSettings.self] = self.config.payments
        settings[DeliverySettings.self] = self.config.delivery
        settings[DataKeyRing.self] = dataKeys
        let selected = self.config.services.sorted()
        let selectedDomains = HostDomains.selected(self.config.services)
        // Domains reach each other in process when co-hosted, over SWP otherwise: the clients exist before the
        // domains, the in-process server once they are built.
        let wiring = DomainCalls.Wiring(
            hosted: selectedDomains.flatMap { $0.serviceDescriptors },
            remote: remoteCalls.mapValues(Self.wireConfig(for:)),
            serviceAccount: self.config.serviceAccount,
            hostAccount: Self.hostAccount(identity, hosting: selectedDomains),
            wallClock: self.config.wallClock
        )
        // No provider keys on the embedded database: the local provider servers stand in (a sandbox).
        let noKeys = self.config.payments.stripe == nil && self.config.payments.yooKassa == nil
        if self.config.services.contains(.payments),
            self.config.paymentsSandbox ?? (self.config.database == .embedded && noKeys)
        {
            let sandbox = try PaymentsSandbox(base: self.config.payments, clients: wiring.clients, logger: self.logger)
            settings[PaymentsSettings.self] = sandbox.settings
            services += sandbox.services
            self.logger.notice(
                "payments: sandbox, no provider keys (local Stripe at \(sandbox.settings.stripe?.baseURL ?? ""), local YooKassa at \(sandbox.settings.yooKassa?.baseURL ?? ""))"
            )
        }
        // No courier keys on the embedded database: the local courier servers stand in (a sandbox).
        if self.config.services.contains(.delivery),
            self.config.deliverySandbox ?? (self.config.database == .embedded && !self.config.delivery.hasCouriers)
        {
            let sandbox = try DeliverySandbox(base: self.config.delivery, clients: wiring.clients, logger: self.logger)
            settings[DeliverySettings.self] = sandbox.settings
            services += sandbox.services
            self.logger.notice(
                "delivery: sandbox, no courier keys (local CDEK at \(sandbox.settings.cdek?.baseURL ?? ""), local EasyPost at \(sandbox.settings.easyPost?.baseURL ?? ""))"
            )
        }
        let (cache, cacheServices) = await HostCache.make(self.config, logger: self.logger)
        services += cacheServices
        let context = DomainContext(
            postgres: postgres,
            logger: self.logger,
            settings: settings,
            clients: wiring.clients,
            wallClock: self.config.wallClock,
            cache: cache
        )
        let domains = try selectedDomains.map { try $0.make(context: context) }
        // The same service implementations answer on both wires.
        let rpcServices = [HealthService(board: self.health)] + domains.flatMap(\.services)
        // Every call on both wires passes the access policy first; tokens verify against the identity schema's
        // public keys (shared through the database when identity runs in another process).
        let authorization = AuthorizationInterceptor(
            verifier: identity.makeVerifier(),
            policy: HostDomains.accessPolicy
        )
        // Outermost, so token checks that read the database fail fast too while it is unreachable.
        let availability = DatabaseAvailabilityInterceptor(
            board: self.health,
            databaseName: databaseURL.database,
            logger: self.logger
        )
        // Innermost: a request's text is checked as the handler reads it, once the caller is known to be allowed.
        var interceptors: [any ServerInterceptor] = [availability, authorization, RequestTextInterceptor()]
        // Outermost of all, per wire, so every status is counted, the other interceptors' answers included.
        let metrics = self.config.metrics.map { _ in HostMetrics(services: rpcServices) }
        let servers =
            self.config.listens ? self.makeServers(security, swpTLS, services: rpcServices, interceptors, metrics) : nil
        if let metrics { interceptors = metrics.interceptors(for: .inProcess, around: interceptors) }
        let probePool = DatabaseProbe<ContinuousClock>.pool(url: databaseURL, logger: self.logger)
        services.append(probePool)
        let probe = DatabaseProbe(
            postgres: probePool,
            board: self.health,
            clock: ContinuousClock(),
            interval: self.config.databaseProbeInterval,
            timeout: self.config.databaseProbeTimeout,
            logger: self.logger,
            missesBeforeUnreachable: self.config.databaseProbeMisses
        )
        let healthNames = [""] + [HealthService.serviceName] + domains.flatMap(\.healthNames)
        for name in healthNames { self.health.set(.notServing, for: name) }

        let preparation = HostPreparation(
            postgres: postgres,
            migrations: [HostMigrations.schema] + domains.flatMap { type(of: $0).migrations },
            steps: domains.map { domain in { try await domain.prepare() } }
                + DemoSeed.steps(config: self.config, identity: identity, postgres: postgres, logger: self.logger),
            background: domains.map { domain in { try await domain.runInBackground() } },
            services: healthNames.filter { !$0.isEmpty },
            logger: self.logger
        )
        services.append(preparation)
        services.append(DomainCalls(wiring: wiring, services: domains.flatMap(\.services), interceptors: interceptors))
        let isTLS = swpTLS != nil
        let grpcHost = self.config.grpc.host
        let swpHost = self.config.swp.host
        let databaseDescription = databaseURL.description
        // Bound last, when nothing after it can fail: its port (the one chosen for 0) goes into the banner.
        var metricsAddress: String?
        if let metrics, let listener = self.config.metrics {
            let endpoint = try await metrics.endpoint(
                on: listener,
                swp: servers?.swpTransport,
                health: self.health,
                poolMaximum: postgresConfiguration.options.maximumConnections,
                logger: self.logger
            )
            // First, so it stops last: the drain can be watched.
            services.insert(endpoint, at: 0)
            metricsAddress = "http://\(listener.host):\(endpoint.port)/metrics"
        }
        let readyMetricsAddress = metricsAddress
        let rpcServer = RPCServerService(
            servers: servers,
            prepared: preparation.prepared,
            health: self.health,
            healthNames: healthNames,
            watchDatabase: { try await probe.run() },
            describeReady: { swpPort, grpcPort, startCount in
                ReadyInfo(
                    swpAddress: servers == nil ? "in-process" : "\(swpHost):\(swpPort)",
                    swpPort: swpPort,
                    grpcAddress: servers == nil ? "in-process" : "\(grpcHost):\(grpcPort)",
                    grpcPort: grpcPort,
                    isTLS: isTLS,
                    certificateAuthorityPath: caPath,
                    services: selected,
                    startCount: startCount,
                    database: databaseDescription,
                    metricsAddress: readyMetricsAddress
                )
            },
            onReady: onReady,
            logger: self.logger
        )
        services.append(rpcServer)
        return Prepared(
            services: services,
            rpcServer: rpcServer,
            inProcessClient: wiring.callerClient,
            domainClients: wiring.clients,
            drainTimeout: self.config.drainTimeout,
            metricsRegistry: metrics?.rpc.registry
        )
    }

    /// The most streams one gRPC/HTTP2 connection may have open at once; as many as SWP's `MAX_CONCURRENT_STREAMS`.
    static let maxConcurrentStreams = Settings().maxConcurrentStreams

    /// The gRPC/HTTP2 and SWP servers of `services`, each call through `interceptors`.
    private func makeServers(
        _ security: HTTP2ServerTransport.Posix.TransportSecurity,
        _ swpTLS: WireTLS.Server?,
        services: [any RegistrableRPCService],
        _ interceptors: [any ServerInterceptor],
        _ metrics: HostMetrics?
    ) -> RPCServerService.Servers {
        let grpcTransport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: self.config.grpc.host, port: self.config.grpc.port),
            transportSecurity: security,
            config: .defaults {
                $0.compression.enabledAlgorithms = .all
                // Advertised, as SWP advertises its 1,000: unset, NIOHTTP2 holds a connection to 100 streams and
                // ends it (GOAWAY PROTOCOL_ERROR) when a client's burst opens the 101st before it has our SETTINGS.
                $0.http2.maxConcurrentStreams = Self.maxConcurrentStreams
                // The transport answers an oversized request message with RST_STREAM and no status; the guard,
                // on the transport's own limit, answers RESOURCE_EXHAUSTED first.
                $0.channelDebuggingCallbacks.onAcceptHTTP2Stream = RequestSizeGuard.installer(
                    limit: $0.rpc.maxRequestPayloadSize
                )
            }
        )
        let swpTransport = SWPServerTransport(
            config: SWPServerTransport.Config(host: self.config.swp.host, port: self.config.swp.port, tls: swpTLS),
            logger: self.logger
        )
        return RPCServerService.Servers(
            grpc: GRPCServer(
                transport: grpcTransport,
                services: services,
                interceptors: metrics?.interceptors(for: .grpc, around: interceptors) ?? interceptors
            ),
            grpcTransport: grpcTransport,
            // SWP calls the services' generated methods directly (the bindings protoc-gen-souk-swp writes), through
            // the same interceptors in the same order.
            swp: SWPServer(
                transport: swpTransport,
                services: services,
                interceptors: metrics?.interceptors(for: .swp, around: interceptors) ?? interceptors,
                bindings: SWPServiceBindings.all
            ),
            swpTransport: swpTransport
        )
    }

    /// How the host's own service account gets its tokens when no `--service-client-id` is configured: from the
    /// identity service itself, when identity is among `domains` and some domain here declares scopes it needs.
    static func hostAccount(
        _ identity: IdentityService,
        hosting domains: [any Domain.Type]
    ) -> ClientCredentialsTokenSource.Grant? {
        var scopes: Set<Permission> = []
        var hostsIdentity = false
        for domain in domains {
            scopes.formUnion(domain.serviceScopes)
            if domain.name == IdentityDomain.name { hostsIdentity = true }
        }
        guard hostsIdentity, !scopes.isEmpty else { return nil }
        return { [scopes] _ in try await identity.hostServiceToken(scopes: scopes) }
    }

    /// The SWP client settings for another soukd that hosts a domain.
    private static func wireConfig(for remote: HostConfig.RemoteDomain) -> SWPClientTransport.Config {
        // An IP literal is dialled as is: sent as TLS SNI it would be invalid.
        let isAddress = remote.host.contains(":") || remote.host.allSatisfy { $0.isNumber || $0 == "." }
        let tls = WireTLS.Client(
            certificateAuthorityPath: remote.certificateAuthority,
            certificateChainPath: nil,
            privateKeyPath: nil,
            serverHostname: isAddress ? nil : remote.host
        )
        return SWPClientTransport.Config(host: remote.host, port: remote.port, tls: tls)
    }

    private func validate() throws {
        if let authority = self.config.clientCertificateAuthority {
            guard FileManager.default.isReadableFile(atPath: authority) else {
                throw HostError(code: .invalidConfiguration, message: "--tls-client-ca: cannot read \(authority)")
            }
            if case .plaintext = self.config.transportSecurity {
                throw HostError(code: .invalidConfiguration, message: "--tls-client-ca needs TLS; drop --plaintext")
            }
        }
        guard !self.config.services.isEmpty else {
            throw HostError(code: .invalidConfiguration, message: "no services selected; use --services all")
        }
        guard (0...65535).contains(self.config.swp.port) else {
            throw HostError(
                code: .invalidConfiguration,
                message: "--swp-port must be 0…65535, not \(self.config.swp.port)"
            )
        }
        guard (0...65535).contains(self.config.grpc.port) else {
            throw HostError(
                code: .invalidConfiguration,
                message: "--grpc-port must be 0…65535, not \(self.config.grpc.port)"
            )
        }
        if let metrics = self.config.metrics, !(0...65535).contains(metrics.port) {
            throw HostError(
                code: .invalidConfiguration,
                message: "--metrics-port must be 0…65535, not \(metrics.port)"
            )
        }
        guard self.config.drainTimeout >= .zero else {
            throw HostError(code: .invalidConfiguration, message: "--drain-timeout must not be negative")
        }
    }

    private func makeTransportSecurity() throws -> (
        HTTP2ServerTransport.Posix.TransportSecurity, WireTLS.Server?, String?
    ) {
        switch self.config.transportSecurity {
        case .plaintext:
            return (.plaintext, nil, nil)
        case .developmentCertificates(let extraHosts):
            let authority = DevelopmentCertificateAuthority(folder: "\(self.config.dataFolder)/tls")
            let hosts = extraHosts + [self.config.grpc.host, self.config.swp.host]
            let files = try authority.ensureServerCertificate(extraHosts: hosts)
            return (self.security(for: files), self.wireTLS(for: files), files.certificateAuthority)
        case .certificates(let files):
            for (path, setting) in [(files.certificateChain, "--tls-cert"), (files.privateKey, "--tls-key")] {
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw HostError(code: .invalidConfiguration, message: "\(setting): cannot read \(path)")
                }
            }
            return (self.security(for: files), self.wireTLS(for: files), nil)
        }
    }

    private func wireTLS(for files: TLSFiles) -> WireTLS.Server {
        WireTLS.Server(
            certificateChainPath: files.certificateChain,
            privateKeyPath: files.privateKey,
            clientCertificateAuthorityPath: self.config.clientCertificateAuthority
        )
    }

    private func security(for files: TLSFiles) -> HTTP2ServerTransport.Posix.TransportSecurity {
        let chain: [TLSConfig.CertificateSource] = [.file(path: files.certificateChain, format: .pem)]
        let key = TLSConfig.PrivateKeySource.file(path: files.privateKey, format: .pem)
        guard let authority = self.config.clientCertificateAuthority else {
            return .tls(certificateChain: chain, privateKey: key)
        }
        return .mTLS(certificateChain: chain, privateKey: key) { tls in
            tls.trustRoots = .certificates([.file(path: authority, format: .pem)])
        }
    }
}

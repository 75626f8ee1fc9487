package import SoukDelivery
package import SoukDomain
package import SoukIdentity
package import SoukPayments
package import SoukRedis
package import SoukStorage
package import SoukTLS

/// Everything a Souk host needs to know to start: which services, where to listen, where data lives.
///
/// Executables build it from flags and environment (see `soukd`'s `Config+Environment.swift`);
/// libraries never read the environment themselves.
package struct HostConfig: Sendable, Hashable {
    /// Which services this process hosts.
    package var services: Set<ServiceName>
    /// The SWP/1 listener.
    package var swp: Listener
    /// The gRPC over HTTP/2 listener.
    package var grpc: Listener
    /// The Prometheus endpoint (`GET /metrics`, plain HTTP); nil serves no metrics.
    package var metrics: Listener?
    /// Souk's data folder: the embedded cluster, the development CA.
    package var dataFolder: String
    /// Where the data lives.
    package var database: Database
    /// Where the shared cache is.
    package var cache: Cache = .automatic
    /// How the RPC ports are secured.
    package var transportSecurity: TransportSecurity
    /// When set, clients must present a certificate signed by this CA (PEM path): mutual TLS on both wires.
    package var clientCertificateAuthority: String?
    /// How long in-flight calls may run after a shutdown request before they are cancelled.
    package var drainTimeout: Duration
    /// Where the keys that seal personal data at rest come from (never the database).
    package var dataKeys: DataKeys = .developmentFile
    /// The identity service's settings (password hashing cost, token lifetimes, throttling).
    package var identity = IdentityService.Config()
    /// Load the demo catalog, customers and orders (``DemoSeed``) after the services are prepared, when the
    /// catalog has no products.
    package var seedDemo = false
    /// How often a serving host asks the database `SELECT 1`; health reports NOT_SERVING while it gets no answer.
    package var databaseProbeInterval: Duration = .seconds(2)
    /// How long one database probe may wait for its answer.
    package var databaseProbeTimeout: Duration = .seconds(3)
    /// How many probes in a row must go unanswered before the database is declared unreachable (health
    /// NOT_SERVING, calls failing fast with UNAVAILABLE): about 15 s with the defaults.
    package var databaseProbeMisses = 3
    /// The wall clock the domains set and check expiries by; tests pass a manual one.
    package var wallClock: WallClock = .system
    /// Where the services of domains not hosted here run, for the domains hosted here that call them
    /// (`--remote identity=HOST:PORT`): reached over SWP with TLS.
    package var remoteDomains: [ServiceName: RemoteDomain] = [:]
    /// Whether the host listens on its SWP and gRPC ports. A host that does not serves its domains only over
    /// GRPCCore's in-process transport, reached through ``Host/Prepared/inProcessClient``: no TLS, no ports (the
    /// test suites' in-process rung).
    package var listens = true
    /// Whom the domains hosted here call other domains as when a call carries no person's token; nil signs such
    /// calls with nothing, so the other domain refuses them.
    package var serviceAccount: ServiceAccount?
    /// The payment providers' keys and routing; with no keys, payments cannot be taken (the embedded default starts
    /// local contract servers instead).
    package var payments = PaymentsSettings()
    /// Run the local provider servers as the payment providers: nil decides by itself (yes on the embedded
    /// database with no provider keys, no otherwise).
    package var paymentsSandbox: Bool?
    /// The couriers' keys and addresses, the origin address and the polling interval; with no keys only the
    /// merchant's tariff is offered (the embedded default starts local courier servers instead).
    package var delivery = DeliverySettings()
    /// Run the local CDEK and EasyPost servers as the couriers: nil decides by itself (yes on the embedded database
    /// with no courier keys, no otherwise).
    package var deliverySandbox: Bool?

    /// Another soukd's SWP listener that hosts a domain.
    package struct RemoteDomain: Sendable, Hashable {
        /// Its address.
        package var host: String
        /// Its SWP port.
        package var port: Int
        /// The CA its certificate is checked against (PEM); nil trusts the system roots.
        package var certificateAuthority: String?

        package init(host: String, port: Int, certificateAuthority: String?) {
            self.host = host
            self.port = port
            self.certificateAuthority = certificateAuthority
        }
    }

    /// The source of the data key ring.
    package enum DataKeys: Sendable, Hashable {
        /// `<data folder>/keys/data-keys`, created with one random key on first start (development).
        case developmentFile
        /// A key file (`id:base64` lines, newest first, mode 0600) that must exist.
        case file(String)
        /// The same lines given directly (the `SOUK_DATA_KEYS` environment variable).
        case text(String)
    }

    /// A TCP listener.
    package struct Listener: Sendable, Hashable {
        /// The address to bind, e.g. `127.0.0.1`.
        package var host: String
        /// The port; 0 picks a free one.
        package var port: Int

        /// Creates a listener.
        package init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    /// Where the data lives.
    package enum Database: Sendable, Hashable {
        /// A private cluster in `<data folder>/pg`, started and stopped by the host.
        case embedded
        /// An existing server.
        case url(DatabaseURL)
    }

    /// Where the cache shared between replicas is (Redis).
    package enum Cache: Sendable, Hashable {
        /// A private `redis-server` in `<data folder>/redis` when the database is embedded and a hosted domain caches
        /// (recommendations) and Debian's redis-server is installed; no cache otherwise.
        case automatic
        /// An existing Redis (`--redis-url`).
        case redis(RedisEndpoint)
        /// No cache: every answer from PostgreSQL (`--redis-url off`).
        case none
    }

    /// How the RPC ports are secured.
    package enum TransportSecurity: Sendable, Hashable {
        /// TLS with the development CA in `<data folder>/tls`, created on first run.
        case developmentCertificates(extraHosts: [String])
        /// TLS with certificates given by path.
        case certificates(TLSFiles)
        /// No TLS; only when asked for explicitly (loopback tests and benchmarks).
        case plaintext
    }

    /// The defaults: every service, SWP on 127.0.0.1:7700, gRPC on 127.0.0.1:7701, data in `./.souk`, embedded PostgreSQL, development TLS.
    package static var defaults: Self {
        Self(
            services: Set(ServiceName.all),
            swp: Listener(host: "127.0.0.1", port: 7700),
            grpc: Listener(host: "127.0.0.1", port: 7701),
            dataFolder: ".souk",
            database: .embedded,
            transportSecurity: .developmentCertificates(extraHosts: []),
            clientCertificateAuthority: nil,
            drainTimeout: .seconds(10)
        )
    }

    /// The defaults, adjusted by `configure`.
    package static func defaults(configure: (inout Self) -> Void) -> Self {
        var config = Self.defaults
        configure(&config)
        return config
    }
}

import GRPCCore
import GRPCInProcessTransport
import Logging
import Prometheus
import SoukMetrics
import SoukWire

/// A host's metrics: its own registry (never the process-wide `MetricsSystem`, so hosts side by side in one test
/// process count apart), the RPC interceptor of each wire and the SWP server's gauges.
///
/// | metric | type | labels |
/// | --- | --- | --- |
/// | `souk_rpc_calls_started_total`, `souk_rpc_calls_finished_total`, `souk_rpc_call_duration_seconds`, `souk_rpc_calls_in_flight` | see ``SoukMetrics/RPCMetrics`` | |
/// | `souk_swp_connections_open` | gauge | |
/// | `souk_swp_streams_open` | gauge | |
/// | `souk_database_reachable` | gauge: 1 while the database probe gets answers, else 0 | |
/// | `souk_postgres_pool_connections_max` | gauge: the request pool's configured maximum | |
///
/// postgres-nio 1.33 keeps its pool's state (connections leased and idle) to itself: its observability delegate is
/// internal, so what is exported of the pool is what the host knows, its maximum and the probe's verdict.
struct HostMetrics: Sendable {
    let rpc: RPCMetrics
    /// The methods the host serves, each measured from the start.
    let methods: [MethodDescriptor]

    /// Measures the calls to `services`.
    init(services: [any RegistrableRPCService]) {
        var router = RPCRouter<InProcessTransport.Server>()
        for service in services { service.registerMethods(with: &router) }
        self.rpc = RPCMetrics(registry: PrometheusCollectorRegistry())
        self.methods = router.methods
    }

    /// `interceptors` behind the measuring one of `wire`.
    func interceptors(for wire: RPCWire, around interceptors: [any ServerInterceptor]) -> [any ServerInterceptor] {
        [self.rpc.interceptor(for: wire, methods: self.methods)] + interceptors
    }

    /// Binds the endpoint on `listener`; each scrape first reads the SWP server's gauges from `swp` and the
    /// database's reachability from `health`.
    func endpoint(
        on listener: HostConfig.Listener,
        swp: SWPServerTransport?,
        health: HealthStatusBoard,
        poolMaximum: Int,
        logger: Logger
    ) async throws -> MetricsEndpoint {
        let registry = self.rpc.registry
        let connections = registry.makeGauge(descriptor: Self.connectionsName)
        let streams = registry.makeGauge(descriptor: Self.streamsName)
        let reachable = registry.makeGauge(descriptor: Self.reachableName)
        registry.makeGauge(descriptor: Self.poolMaximumName).set(Int64(poolMaximum))
        do {
            return try await MetricsEndpoint.bind(
                host: listener.host,
                port: listener.port,
                registry: registry,
                beforeScrape: {
                    connections.set(Int64(swp?.openConnectionCount ?? 0))
                    streams.set(Int64(swp?.openStreamCount ?? 0))
                    reachable.set(Int64(health.isDatabaseReachable ? 1 : 0))
                },
                logger: logger
            )
        } catch {
            throw HostError(
                code: .portInUse,
                message:
                    "--metrics-port / SOUK_METRICS_PORT: cannot listen on \(listener.host):\(listener.port) (\(error))",
                cause: error
            )
        }
    }

    private static var connectionsName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "souk",
            subsystem: "swp",
            metricName: "connections_open",
            unitName: "",
            helpText: "SWP connections being served."
        )
    }
    private static var reachableName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "souk",
            subsystem: "database",
            metricName: "reachable",
            unitName: "",
            helpText: "1 while the database probe gets answers, 0 once it has missed enough in a row."
        )
    }
    private static var poolMaximumName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "souk",
            subsystem: "postgres_pool",
            metricName: "connections_max",
            unitName: "",
            helpText: "The most connections the request pool to PostgreSQL opens."
        )
    }
    private static var streamsName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "souk",
            subsystem: "swp",
            metricName: "streams_open",
            unitName: "",
            helpText: "SWP streams (calls) being served, on every connection."
        )
    }
}

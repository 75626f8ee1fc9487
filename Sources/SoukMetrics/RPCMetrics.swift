package import GRPCCore
package import Prometheus

/// The RPC metrics of one host, in its own registry: calls started and finished by status, and their latency, per
/// method and wire.
///
/// Every method's metric objects are made here, when the host starts, from the services' descriptors (so the
/// `method` label only ever holds a method the host serves, never a caller's text); a call then finds them by its
/// descriptor in a dictionary that no call writes to.
///
/// ```swift
/// let metrics = RPCMetrics(registry: PrometheusCollectorRegistry())
/// let interceptor = metrics.interceptor(for: .swp, methods: descriptors)
/// ```
///
/// | metric | type | labels |
/// | --- | --- | --- |
/// | `souk_rpc_calls_started_total` | counter | `method`, `wire` |
/// | `souk_rpc_calls_finished_total` | counter | `method`, `wire`, `code` |
/// | `souk_rpc_call_duration_seconds` | histogram (100 µs … 10 s) | `method`, `wire` |
/// | `souk_rpc_calls_in_flight` | gauge | `wire` |
package final class RPCMetrics: Sendable {
    /// The registry the metrics are made in; ``MetricsEndpoint`` serves it.
    package let registry: PrometheusCollectorRegistry

    /// Creates the metrics in `registry`; give each host its own, so two hosts in one process (tests) never count
    /// each other's calls.
    package init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// The interceptor that measures the calls of `methods` arriving on `wire`; install it outermost, so the statuses
    /// the other interceptors answer with (access denied, database unavailable) are counted too.
    package func interceptor(for wire: RPCWire, methods: [MethodDescriptor]) -> some ServerInterceptor {
        var table: [MethodDescriptor: MethodMetrics] = [:]
        for method in methods {
            table[method] = MethodMetrics(method: method.fullyQualifiedMethod, wire: wire, registry: self.registry)
        }
        return RPCMetricsInterceptor(
            methods: table,
            // A method no service declared (the router answers it UNIMPLEMENTED before any interceptor, so this is a
            // guard): one label for all of them keeps the label set bounded.
            other: MethodMetrics(method: "other", wire: wire, registry: self.registry),
            inFlight: self.registry.makeGauge(descriptor: Self.inFlightName, labels: [("wire", wire.rawValue)])
        )
    }

    /// The latency histogram's upper bounds: 100 µs to 10 s, about three to a decade.
    package static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500),
        .milliseconds(1), .microseconds(2500), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    static var startedName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "souk",
            subsystem: "rpc",
            metricName: "calls_started",
            unitName: "total",
            helpText: "Calls that reached the server's interceptors, per method and wire."
        )
    }
    static var finishedName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "souk",
            subsystem: "rpc",
            metricName: "calls_finished",
            unitName: "total",
            helpText: "Calls that ended, per method, wire and gRPC status code."
        )
    }
    static var latencyName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "souk",
            subsystem: "rpc",
            metricName: "call_duration",
            unitName: "seconds",
            helpText: "From the call reaching the interceptors to its status, per method and wire."
        )
    }
    static var inFlightName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "souk",
            subsystem: "rpc",
            metricName: "calls_in_flight",
            unitName: "",
            helpText: "Calls started and not yet finished, per wire."
        )
    }
}

package import Prometheus
import SoukMetrics

/// The bridge's metrics in a registry: HTTP requests by route class and status, their latency, and the sessions held.
///
/// | metric | type | labels |
/// | --- | --- | --- |
/// | `souk_bridge_requests_total` | counter | `route` (connect, session, webhook, page, preflight), `status` (HTTP) |
/// | `souk_bridge_request_duration_seconds` | histogram (100 µs … 10 s) | `route` |
/// | `souk_bridge_sessions_live` | gauge | |
///
/// The labels come from a fixed list and the HTTP status, never from the path a browser sent. The counters of the
/// statuses the bridge answers with are made at start; another status's counter is made on first use.
package final class BridgeMetrics: Sendable {
    /// What a request asked for, by the bridge's routes.
    package enum Route: String, Sendable, CaseIterable {
        /// A Connect call (`POST /package.Service/Method`), or a request for no known route.
        case connect
        /// `/session/login`, `/session/logout`, `/session`.
        case session
        /// `/webhooks/…` from payment providers and couriers.
        case webhook
        /// A GET or HEAD for the admin page's files.
        case page
        /// A CORS preflight (`OPTIONS`).
        case preflight
    }

    private struct RouteMetrics: Sendable {
        let byStatus: [Int: Counter]
        let latency: DurationHistogram
    }

    private let registry: PrometheusCollectorRegistry
    private let routes: [Route: RouteMetrics]
    private let sessions: Gauge

    /// The bridge's metrics, made in `registry`.
    package init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        var routes: [Route: RouteMetrics] = [:]
        for route in Route.allCases {
            var byStatus: [Int: Counter] = [:]
            for status in Self.commonStatuses {
                byStatus[status] = registry.makeCounter(
                    descriptor: Self.requestsName,
                    labels: [("route", route.rawValue), ("status", String(status))]
                )
            }
            routes[route] = RouteMetrics(
                byStatus: byStatus,
                latency: registry.makeDurationHistogram(
                    descriptor: Self.durationName,
                    labels: [("route", route.rawValue)],
                    buckets: RPCMetrics.latencyBuckets
                )
            )
        }
        self.routes = routes
        self.sessions = registry.makeGauge(descriptor: Self.sessionsName)
    }

    /// Counts a request to `route` answered with `status` after `duration`.
    package func record(_ route: Route, status: Int, after duration: Duration) {
        guard let metrics = self.routes[route] else { return }
        metrics.latency.record(duration)
        if let counter = metrics.byStatus[status] {
            counter.increment()
        } else {
            self.registry.makeCounter(
                descriptor: Self.requestsName,
                labels: [("route", route.rawValue), ("status", String(status))]
            ).increment()
        }
    }

    /// Sets the number of sessions held.
    package func sessionsChanged(to count: Int) {
        self.sessions.set(Int64(count))
    }

    /// The statuses whose counters exist from the start.
    static let commonStatuses = [200, 204, 304, 400, 401, 403, 404, 405, 408, 409, 413, 415, 429, 500, 501, 503, 504]

    private static var requestsName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "souk",
            subsystem: "bridge",
            metricName: "requests",
            unitName: "total",
            helpText: "HTTP requests the bridge answered, by route class and HTTP status."
        )
    }
    private static var durationName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "souk",
            subsystem: "bridge",
            metricName: "request_duration",
            unitName: "seconds",
            helpText: "From a request's head to its response, by route class (a stream's: until its response starts)."
        )
    }
    private static var sessionsName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "souk",
            subsystem: "bridge",
            metricName: "sessions_live",
            unitName: "",
            helpText: "Browser sessions the bridge holds."
        )
    }
}

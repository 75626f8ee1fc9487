import GRPCCore
import Prometheus

/// The metric objects of one method on one wire, made once when the host starts so a call only increments them.
struct MethodMetrics: Sendable {
    let started: Counter
    let finishedOK: Counter
    let latency: DurationHistogram
    /// The labels a non-OK status adds its counter with: the registry makes it on the first such status and hands
    /// back the same counter after that (errors are rare; one counter per status code for every method would
    /// multiply what each scrape carries by 17).
    let labels: [(String, String)]
    let registry: PrometheusCollectorRegistry

    init(method: String, wire: RPCWire, registry: PrometheusCollectorRegistry) {
        let labels = [("method", method), ("wire", wire.rawValue)]
        self.labels = labels
        self.registry = registry
        self.started = registry.makeCounter(descriptor: RPCMetrics.startedName, labels: labels)
        self.finishedOK = registry.makeCounter(
            descriptor: RPCMetrics.finishedName,
            labels: labels + [("code", StatusLabel.name(of: nil))]
        )
        self.latency = registry.makeDurationHistogram(
            descriptor: RPCMetrics.latencyName,
            labels: labels,
            buckets: RPCMetrics.latencyBuckets
        )
    }

    /// Counts a call that ended with `code` (nil: OK) after `duration`.
    func finish(_ code: RPCError.Code?, after duration: Duration) {
        self.latency.record(duration)
        guard let code else {
            self.finishedOK.increment()
            return
        }
        self.registry.makeCounter(
            descriptor: RPCMetrics.finishedName,
            labels: self.labels + [("code", StatusLabel.name(of: code))]
        ).increment()
    }
}

/// Sums one wire's rounds of one scenario into a ``WireResult``.
///
/// Swift wires merge their histograms exactly; the C programs report percentiles per round, which are combined
/// as a call-weighted mean.
struct WireResultAccumulator {
    private var tally = WorkerTally()
    private var seconds = 0.0
    private var clientCPU: Double? = 0
    private var serverCPU: Double? = 0
    private var reported: [(latency: LatencyPercentiles, calls: Int)] = []
    private var calls = 0
    private var messages = 0
    private var payloadBytes = 0

    mutating func add(_ outcome: LoadOutcome) {
        self.tally.merge(outcome.tally)
        self.seconds += outcome.seconds
        self.calls += outcome.tally.calls
        self.messages += outcome.tally.messages
        self.payloadBytes += outcome.tally.payloadBytes
        self.clientCPU = self.clientCPU.map { $0 + outcome.clientCPUSeconds }
        self.serverCPU = Self.sum(self.serverCPU, outcome.serverCPUSeconds)
    }

    mutating func add(_ summary: LoadOutcomeSummary) {
        if summary.calls > 0 { self.reported.append((summary.latency, summary.calls)) }
        self.seconds += summary.seconds
        self.calls += summary.calls
        self.messages += summary.messages
        self.payloadBytes += summary.payloadBytes
        self.clientCPU = Self.sum(self.clientCPU, summary.clientCPUSeconds)
        self.serverCPU = Self.sum(self.serverCPU, summary.serverCPUSeconds)
    }

    func measurement(scenario: Scenario, wire: BenchWire, serverPeakMemoryBytes: Int?) -> WireResult {
        // Per call for unary calls, per message for streams (a stream's "call" is a thousand messages).
        let operations = scenario.call == .unary ? self.calls : self.messages
        let perCall = { (total: Double?) -> Double? in
            guard let total, operations > 0 else { return nil }
            return total / Double(operations)
        }
        return WireResult(
            scenario: scenario,
            wire: wire,
            calls: self.calls,
            messages: self.messages,
            payloadBytes: self.payloadBytes,
            seconds: self.seconds,
            latency: self.reported.isEmpty ? self.tally.percentiles : self.weightedLatency,
            clientCPUPerCall: perCall(self.clientCPU),
            serverCPUPerCall: perCall(self.serverCPU),
            serverPeakMemoryBytes: serverPeakMemoryBytes
        )
    }

    private var weightedLatency: LatencyPercentiles {
        let total = Double(max(1, self.reported.reduce(0) { $0 + $1.calls }))
        func mean(_ value: (LatencyPercentiles) -> Double) -> Double {
            self.reported.reduce(0) { $0 + value($1.latency) * Double($1.calls) } / total
        }
        return LatencyPercentiles(p50: mean(\.p50), p90: mean(\.p90), p99: mean(\.p99), p999: mean(\.p999))
    }

    /// Sums two readings; once one is missing the total is unknown.
    private static func sum(_ total: Double?, _ value: Double?) -> Double? {
        guard let total, let value else { return nil }
        return total + value
    }
}

import Foundation

/// Runs a ``BenchPlan``: starts the servers it needs, runs every scenario over every wire in interleaved rounds
/// (A/B/A/B, so drift in the machine's state hits every wire alike), then the soak, and returns the report.
package struct BenchRun: Sendable {
    package let plan: BenchPlan

    package init(plan: BenchPlan) {
        self.plan = plan
    }

    /// Runs the plan. `progress` gets a line to show while a wire runs; `scenarioDone` each finished scenario.
    package func run(
        progress: @escaping @Sendable (String) -> Void,
        scenarioDone: @Sendable ([WireResult]) -> Void
    ) async throws -> BenchReport {
        let startedAt = ISO8601DateFormatter().string(from: Date())
        let servers = ServerPool(source: self.plan.server)
        do {
            var measurements: [WireResult] = []
            var skipped: [String] = []
            for (index, scenario) in self.plan.scenarios.enumerated() {
                guard let server = try await servers.server(tls: scenario.tls, progress: progress) else {
                    skipped.append("\(scenario.name): the external server is \(scenario.tls ? "plaintext" : "TLS")")
                    continue
                }
                let results = try await self.measure(
                    scenario,
                    on: server,
                    label: "[\(index + 1)/\(self.plan.scenarios.count)] \(scenario.name)",
                    progress: progress
                )
                measurements += results
                scenarioDone(results)
            }
            var soak: SoakResult? = nil
            if self.plan.soakCalls > 0, let server = try await servers.server(tls: true, progress: progress),
                let process = server.process
            {
                soak = try await self.soak(server.endpoint, process, progress: progress)
            }
            await servers.stopAll()
            return BenchReport(
                startedAt: startedAt,
                machine: .current(),
                quick: self.plan.quick,
                timing: self.plan.timing,
                measurements: measurements,
                skipped: skipped,
                soak: soak
            )
        } catch {
            await servers.stopAll()
            throw error
        }
    }

    private func measure(
        _ scenario: Scenario,
        on server: ServerPool.Server,
        label: String,
        progress: @escaping @Sendable (String) -> Void
    ) async throws -> [WireResult] {
        let timing = self.plan.timing
        let wires = self.plan.wires(for: scenario)
        var accumulators: [BenchWire: WireResultAccumulator] = [:]
        for round in 1...timing.rounds {
            for wire in wires {
                progress("\(label) · \(wire.label) · round \(round)/\(timing.rounds)")
                do {
                    switch wire {
                    case .swp, .http2, .inProcess:
                        let outcome = try await SwiftWireLoad.measure(
                            wire: wire,
                            scenario: scenario,
                            endpoint: server.endpoint,
                            warmup: timing.warmup,
                            measure: timing.measure,
                            server: wire == .inProcess ? nil : server.process,
                            onReached: {
                                progress("\(label) · \(wire.label) · round \(round)/\(timing.rounds) · calling")
                            }
                        )
                        accumulators[wire, default: WireResultAccumulator()].add(outcome)
                    case .swpC:
                        let summary = try await self.plan.external.measureCClient(
                            scenario: scenario,
                            endpoint: server.endpoint,
                            warmup: timing.warmup,
                            measure: timing.measure,
                            server: server.process
                        )
                        accumulators[wire, default: WireResultAccumulator()].add(summary)
                    case .floor:
                        let summary = try await self.plan.external.measureFloor(
                            scenario: scenario,
                            warmup: timing.warmup,
                            measure: timing.measure
                        )
                        accumulators[wire, default: WireResultAccumulator()].add(summary)
                    }
                } catch {
                    throw BenchError.scenarioFailed(scenario: scenario.name, wire: wire.label, cause: "\(error)")
                }
            }
        }
        let peak = server.process?.peakResidentBytes()
        return wires.compactMap { wire in
            accumulators[wire]?.measurement(
                scenario: scenario,
                wire: wire,
                serverPeakMemoryBytes: [.swp, .http2, .swpC].contains(wire) ? peak : nil
            )
        }
    }

    private func soak(
        _ endpoint: ServerEndpoint,
        _ process: ProcessCPU,
        progress: @escaping @Sendable (String) -> Void
    ) async throws -> SoakResult {
        let calls = self.plan.soakCalls
        let inFlight = 64
        let samples = try await SwiftWireLoad.soak(
            calls: calls,
            inFlight: inFlight,
            endpoint: endpoint,
            server: process
        ) {
            done,
            resident in
            let memory = resident.map { String(format: "%.1f MiB", Double($0) / 1_048_576) } ?? "?"
            progress("soak: \(done) of \(calls) SWP calls · server resident \(memory)")
        }
        return SoakResult(calls: calls, inFlight: inFlight, samples: samples)
    }
}

/// The soukd processes a run uses: started on first need (one per security), or the external one.
actor ServerPool {
    struct Server: Sendable {
        var endpoint: ServerEndpoint
        var process: ProcessCPU?
    }

    private let source: BenchPlan.ServerSource
    private var started: [Bool: ServerProcess] = [:]

    init(source: BenchPlan.ServerSource) {
        self.source = source
    }

    /// The server for `tls`, started if needed; nil when an external server has the other security.
    func server(tls: Bool, progress: @Sendable (String) -> Void) async throws -> Server? {
        switch self.source {
        case .external(let endpoint):
            return endpoint.tls == tls ? Server(endpoint: endpoint, process: nil) : nil
        case .spawn(let soukd):
            if let process = self.started[tls] {
                return Server(endpoint: process.endpoint, process: process.process)
            }
            progress("starting soukd (\(tls ? "TLS" : "plaintext"))")
            let process = try await ServerProcess.start(soukd: soukd, tls: tls)
            self.started[tls] = process
            return Server(endpoint: process.endpoint, process: process.process)
        }
    }

    func stopAll() async {
        for process in self.started.values { await process.stop() }
        self.started = [:]
    }
}

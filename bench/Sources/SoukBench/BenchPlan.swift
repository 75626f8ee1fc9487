/// What one invocation of souk-bench measures, and against which server.
package struct BenchPlan: Sendable {
    /// Where the soukd under load comes from.
    package enum ServerSource: Sendable {
        /// Start this soukd binary (once for TLS scenarios, once for plaintext ones).
        case spawn(soukd: String)
        /// Use an already running soukd; only scenarios matching its security run.
        case external(ServerEndpoint)
    }

    package var scenarios: [Scenario]
    package var wires: [BenchWire]
    package var timing: BenchTiming
    /// Calls of the memory soak (0: no soak).
    package var soakCalls: Int
    package var server: ServerSource
    package var external: ExternalLoad
    /// Whether this is the CI smoke run.
    package var quick: Bool

    package init(
        scenarios: [Scenario],
        wires: [BenchWire],
        timing: BenchTiming,
        soakCalls: Int,
        server: ServerSource,
        external: ExternalLoad,
        quick: Bool
    ) {
        self.scenarios = scenarios
        self.wires = wires
        self.timing = timing
        self.soakCalls = soakCalls
        self.server = server
        self.external = external
        self.quick = quick
    }

    /// The wires that run `scenario`: supported by it and, for the C programs, built.
    package func wires(for scenario: Scenario) -> [BenchWire] {
        self.wires.filter { wire in
            guard wire.supports(scenario) else { return false }
            switch wire {
            case .swpC, .floor: return self.external.has(wire)
            default: return true
            }
        }
    }
}

import Foundation

/// Everything `souk-bench chaos` measured, as written to `NAME.json`.
package struct ChaosReport: Sendable, Codable {
    package var startedAt: String
    package var machine: MachineInfo
    package var plan: ChaosPlan
    /// `debug` or `release`: how souk-bench (and the soukd next to it) were built.
    package var build: String?
    package var crash: CrashResult?
    package var restart: RestartResult?
    package var soak: SoakPhaseResult?
    /// Phases that stopped before they measured anything, with the cause.
    package var phaseErrors: [String: String]

    package init(startedAt: String, machine: MachineInfo, plan: ChaosPlan) {
        self.startedAt = startedAt
        self.machine = machine
        self.plan = plan
        self.phaseErrors = [:]
    }

    /// Every problem found, prefixed with its phase; empty when the run passed.
    package var problems: [String] {
        var problems: [String] = []
        for (phase, error) in self.phaseErrors.sorted(by: { $0.key < $1.key }) {
            problems.append("\(phase): did not finish: \(error)")
        }
        problems += (self.crash?.problems ?? []).map { "crash: \($0)" }
        problems += (self.restart?.problems ?? []).map { "restart: \($0)" }
        problems += (self.soak?.problems ?? []).map { "soak: \($0)" }
        return problems
    }
}

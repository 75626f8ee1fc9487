import Foundation

/// Runs a ``ChaosPlan``'s phases one after another, each on a shop of its own; a phase that stops is recorded
/// with its cause and the next one still runs.
package struct ChaosRun: Sendable {
    package let plan: ChaosPlan

    package init(plan: ChaosPlan) {
        self.plan = plan
    }

    package func run(progress: @escaping @Sendable (String) -> Void) async -> ChaosReport {
        var report = ChaosReport(
            startedAt: ISO8601DateFormatter().string(from: Date()),
            machine: .current(),
            plan: self.plan
        )
        for phase in self.plan.phases {
            do {
                switch phase {
                case .crash: report.crash = try await CrashPhase(plan: self.plan).run(progress: progress)
                case .restart: report.restart = try await RestartPhase(plan: self.plan).run(progress: progress)
                case .soak: report.soak = try await SoakPhase(plan: self.plan).run(progress: progress)
                }
            } catch {
                report.phaseErrors[phase.rawValue] = BenchError.describe(error)
            }
        }
        return report
    }
}

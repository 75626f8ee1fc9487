import Foundation

/// The chaos run's figures as rows of phase, figure and value: printed on the terminal and written as Markdown
/// for the README.
package enum ChaosSummary {
    /// One figure.
    package struct Row: Sendable, Hashable {
        package var phase: String
        package var figure: String
        package var value: String
    }

    /// The figures of every phase that ran.
    package static func rows(_ report: ChaosReport) -> [Row] {
        var rows: [Row] = []
        if let crash = report.crash {
            let tally = crash.tally
            let add = { (figure: String, value: String) in
                rows.append(Row(phase: "crash", figure: figure, value: value))
            }
            add("orders acknowledged / asked", "\(tally.acknowledged) / \(tally.asked)")
            add(
                "found / duplicated / lost / unasked",
                "\(tally.found) / \(tally.duplicated) / \(tally.lost) / \(tally.unasked)"
            )
            rows += Self.evidence(tally, phase: "crash")
            add("SIGKILLs (seed \(crash.seed))", crash.kills.map { "after \($0.afterOrders)" }.joined(separator: ", "))
            add("soukd ready after restart", Self.seconds(crash.kills.map(\.restartSeconds)))
            add("ordering again after the kill", Self.seconds(crash.kills.compactMap(\.orderingAgainSeconds)))
            add("calls tried again (same key)", "\(crash.callsTriedAgain)")
            add("phase took", String(format: "%.0f s", crash.seconds))
        }
        if let restart = report.restart {
            let add = { (figure: String, value: String) in
                rows.append(Row(phase: "restart", figure: figure, value: value))
            }
            let tally = restart.tally
            add("orders acknowledged / found", "\(tally.acknowledged) / \(tally.found)")
            add("duplicated / lost / unasked", "\(tally.duplicated) / \(tally.lost) / \(tally.unasked)")
            rows += Self.evidence(tally, phase: "restart")
            let refused = restart.refusedWhileAway.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            add("calls refused while away", refused.isEmpty ? "none" : refused.joined(separator: ", "))
            add("longest unanswered call", String(format: "%.2f s", restart.longestUnansweredSeconds))
            add("PostgreSQL away", String(format: "%.1f s", restart.awaySeconds))
            add(
                "recovery (PG start → first order)",
                restart.recoverySeconds.map { String(format: "%.2f s", $0) } ?? "never"
            )
            add(
                "health SERVING again after",
                restart.servingAgainSeconds.map { String(format: "%.2f s", $0) } ?? "never seen"
            )
            add("health seen (from the stop)", restart.health.joined(separator: " → "))
        }
        if let soak = report.soak {
            let add = { (figure: String, value: String) in rows.append(Row(phase: "soak", figure: figure, value: value))
            }
            let drift = soak.drift
            add("load", "\(soak.measuredCalls) calls in \(soak.seconds) s after \(soak.warmupSeconds) s warm-up")
            let growth = ResourceDrift.percent(drift.memoryGrowth)
            let bound = ResourceDrift.percent(drift.bounds.memoryGrowth)
            let memory = "\(Format.mebibytes(drift.warm.residentBytes)) → \(Format.mebibytes(drift.end.residentBytes))"
            add("resident memory", "\(memory) (\(growth); bound \(bound))")
            add(
                "open descriptors",
                "\(drift.warm.descriptors) → \(drift.end.descriptors) (bound +\(drift.bounds.descriptorGrowth))"
            )
            let warmConnections = drift.warm.databaseConnections.map { "\($0)" } ?? "?"
            let endConnections = drift.end.databaseConnections.map { "\($0)" } ?? "?"
            add(
                "PostgreSQL connections",
                "\(warmConnections) → \(endConnections) (bound +\(drift.bounds.connectionGrowth))"
            )
            add("errors", "\(soak.errors)")
        }
        for (phase, error) in report.phaseErrors.sorted(by: { $0.key < $1.key }) {
            rows.append(Row(phase: phase, figure: "did not finish", value: error))
        }
        return rows
    }

    /// The table for the terminal, then the verdict.
    package static func terminal(_ report: ChaosReport) -> String {
        let rows = Self.rows(report)
        let phaseWidth = max(5, rows.map(\.phase.count).max() ?? 0)
        let figureWidth = rows.map(\.figure.count).max() ?? 0
        var lines = rows.map { row in
            row.phase.padding(toLength: phaseWidth, withPad: " ", startingAt: 0) + "  "
                + row.figure.padding(toLength: figureWidth, withPad: " ", startingAt: 0) + "  " + row.value
        }
        lines.append("")
        lines.append(Self.verdict(report))
        return lines.joined(separator: "\n")
    }

    /// `NAME.md`.
    package static func markdown(_ report: ChaosReport) -> String {
        var out = ["# souk-bench chaos", ""]
        out.append(
            "Run \(report.startedAt) on \(report.machine.cores) cores (\(report.machine.cpuModel)), Linux "
                + "\(report.machine.kernel); \(report.build ?? "unknown") build; soukd over SWP (TLS), identity and catalog "
                + "services."
                + (report.plan.quick ? " **Quick run: small sizes.**" : "")
        )
        out.append("")
        out.append("| phase | figure | value |")
        out.append("|---|---|---|")
        for row in Self.rows(report) {
            out.append("| \(row.phase) | \(row.figure) | \(row.value.replacingOccurrences(of: "|", with: "\\|")) |")
        }
        out.append("")
        out.append(Self.verdict(report))
        out.append("")
        return out.joined(separator: "\n")
    }

    private static func verdict(_ report: ChaosReport) -> String {
        let problems = report.problems
        return problems.isEmpty ? "PASSED" : "FAILED: " + problems.joined(separator: "; ")
    }

    /// The outbox and stock checks of a tally.
    private static func evidence(_ tally: OrderTally, phase: String) -> [Row] {
        var rows: [Row] = []
        if let missing = tally.missingEvents, let extra = tally.extraEvents {
            let value = missing == 0 && extra == 0 ? "one per order" : "\(missing) missing, \(extra) extra"
            rows.append(Row(phase: phase, figure: "order.placed events", value: value))
        }
        if let stock = tally.stock, let exact = tally.stockExact {
            rows.append(
                Row(
                    phase: phase,
                    figure: "stock on hand / reserved / available",
                    value: "\(stock.onHand) / \(stock.reserved) / \(stock.available) (\(exact ? "exact" : "WRONG"))"
                )
            )
        }
        return rows
    }

    /// `1.2 s` for one, `min 1.2 s, max 3.4 s` for several, `–` for none.
    private static func seconds(_ values: [Double]) -> String {
        guard let low = values.min(), let high = values.max() else { return "–" }
        if values.count == 1 { return String(format: "%.2f s", low) }
        return String(format: "%.2f–%.2f s", low, high)
    }
}

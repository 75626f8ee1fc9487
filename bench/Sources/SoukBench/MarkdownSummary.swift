import Foundation

/// `bench/results/summary.md`: the run's figures as the README quotes them.
package enum MarkdownSummary {
    /// Renders the report; `chart` is the SVG's file name next to the summary.
    package static func render(_ report: BenchReport, chart: String) -> String {
        var out: [String] = []
        out.append("# souk-bench results")
        out.append("")
        out.append(
            "Run \(report.startedAt) on \(report.machine.cores) cores (\(report.machine.cpuModel)), Linux "
                + "\(report.machine.kernel); \(String(format: "%g", report.warmupSeconds)) s warm-up and "
                + "\(String(format: "%g", report.measureSeconds)) s measured per wire per round, \(report.rounds) "
                + "round(s), wires interleaved A/B/A/B.\(report.quick ? " **Quick smoke run: not comparable.**" : "")"
        )
        out.append("")
        out.append("![latency vs throughput](\(chart))")
        out.append("")
        out.append("## Targets")
        out.append("")
        out.append("| target | goal | measured | figures | |")
        out.append("|---|---|---|---|---|")
        for check in report.targets {
            let mark = check.reached.map { $0 ? "reached" : "**missed**" } ?? "not measured"
            out.append("| \(check.name) | \(check.goal) | \(check.shown) | \(check.detail) | \(mark) |")
        }
        out.append("")
        out.append("## Scenarios")
        out.append("")
        out.append(
            "Rates are calls/s for unary calls and messages/s for streams. Latency is that of a whole call: a "
                + "server stream is 1,000 messages of 64 B (100 of 4 KiB), a client stream 100 messages. CPU is user "
                + "+ system time in the measured window per call (unary) or per message (streams); the in-process "
                + "wire's client CPU includes its server. `÷ SWP` is the wire's rate over SWP's."
        )
        out.append("")
        out.append(
            "| scenario | wire | rate | MB/s | p50 | p90 | p99 | p99.9 | client CPU/call | server CPU/call | server peak | ÷ SWP |"
        )
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        var scenarios: [Scenario] = []
        for measurement in report.measurements where !scenarios.contains(measurement.scenario) {
            scenarios.append(measurement.scenario)
        }
        for scenario in scenarios {
            let rows = report.measurements.filter { $0.scenario == scenario }
            let swp = rows.first { $0.wire == .swp }
            for row in rows {
                let cells: [String] = [
                    scenario.name,
                    row.wire.label,
                    Format.rate(row.rate),
                    String(format: "%.1f", row.megabytesPerSecond),
                    Format.latency(row.latency.p50),
                    Format.latency(row.latency.p90),
                    Format.latency(row.latency.p99),
                    Format.latency(row.latency.p999),
                    row.clientCPUPerCall.map { String(format: "%.1f µs", $0 * 1e6) } ?? "–",
                    row.serverCPUPerCall.map { String(format: "%.1f µs", $0 * 1e6) } ?? "–",
                    row.serverPeakMemoryBytes.map(Format.mebibytes) ?? "–",
                    swp.flatMap { $0.rate > 0 ? Format.ratio(row.rate / $0.rate) : nil } ?? "",
                ]
                out.append("| " + cells.joined(separator: " | ") + " |")
            }
        }
        if !report.skipped.isEmpty {
            out.append("")
            out.append("Skipped: " + report.skipped.joined(separator: "; "))
        }
        if let soak = report.soak {
            out.append("")
            out.append("## Memory soak")
            out.append("")
            out.append(
                "\(Format.rate(Double(soak.calls))) echo calls over SWP (TLS, \(soak.inFlight) in flight): server "
                    + "resident memory \(Format.mebibytes(soak.baselineBytes)) after the first tenth, "
                    + "\(Format.mebibytes(soak.finalBytes)) at the end (\(String(format: "%+.1f %%", soak.growth * 100)))."
            )
        }
        out.append("")
        return out.joined(separator: "\n")
    }
}

import Foundation

/// The shop run's figures for the terminal and for `bench/results/shop.md`.
package enum ShopSummary {
    private static let columns: [(title: String, width: Int)] = [
        ("measured", 44), ("rate/s", 10), ("p50", 9), ("p90", 9), ("p99", 9), ("p99.9", 9), ("mean", 9),
        ("soukd µs/op", 11),
    ]

    /// The table of every operation and pgbench script, then the targets.
    package static func terminal(_ report: ShopReport) -> String {
        var lines = [
            "── SWP over TLS, \(report.inFlight) in flight, vs pgbench -c \(report.inFlight) on the same PostgreSQL",
            Self.line(Self.columns.map(\.title)),
        ]
        for row in Self.rows(report) {
            lines.append(Self.line(row))
        }
        for (label, cause) in report.failures {
            lines.append("FAILED \(label): \(cause)")
        }
        for note in report.notes {
            lines.append("Left out: \(note)")
        }
        lines.append("")
        lines.append(TerminalTable.targets(report.targets))
        return lines.joined(separator: "\n")
    }

    /// The Markdown summary.
    package static func markdown(_ report: ShopReport) -> String {
        var out: [String] = []
        out.append("# souk-bench shop: the shop over SWP against PostgreSQL itself")
        out.append("")
        out.append(
            "Run \(report.startedAt) on \(report.machine.cores) cores (\(report.machine.cpuModel)), Linux "
                + "\(report.machine.kernel). soukd (catalog, identity) on its embedded PostgreSQL; pgbench "
                + "(scale \(report.pgbenchScale), `-c \(report.inFlight) -j 2`) on the same cluster, in a database of "
                + "its own. \(report.products) published products with two SKUs each, \(report.customers) customers; "
                + "the Swift client (`SoukClient`) over SWP with TLS, \(report.inFlight) calls in flight on one "
                + "connection; the rows marked C client are driven the same way by the C client's load mode "
                + "(`swp-call load --method raw`, a process of its own, requests encoded from the same fixture and "
                + "picked at random), so soukd's cost shows without the Swift client's. \(report.warmupSeconds) s warm-up and \(report.measureSeconds) s measured per "
                + "operation and script per round, \(report.rounds) round(s), pgbench and the shop alternating."
                + (report.quick ? " **Quick smoke run: not comparable.**" : "")
        )
        out.append("")
        out.append("## Targets (issue #6; issue #18 for the C client)")
        out.append("")
        out.append("| target | goal | measured | figures | |")
        out.append("|---|---|---|---|---|")
        for check in report.targets {
            let mark = check.reached.map { $0 ? "reached" : "**missed**" } ?? "not measured"
            out.append("| \(check.name) | \(check.goal) | \(check.shown) | \(check.detail) | \(mark) |")
        }
        out.append("")
        out.append("## Measurements")
        out.append("")
        out.append(
            "Rates are operations (shop) or transactions (pgbench) per second. Latency is that of a whole operation "
                + "(an order is SetCartLine then PlaceOrder), and of a whole pgbench transaction from its `-l` log. "
                + "soukd CPU is user + system time of soukd per operation; PostgreSQL's own processes are not "
                + "counted."
        )
        out.append("")
        out.append("| " + Self.columns.map(\.title).joined(separator: " | ") + " |")
        out.append("|---|" + Array(repeating: "---:", count: Self.columns.count - 1).joined(separator: "|") + "|")
        for row in Self.rows(report) {
            out.append("| " + row.joined(separator: " | ") + " |")
        }
        if !report.failures.isEmpty {
            out.append("")
            for (label, cause) in report.failures {
                out.append("**\(label) failed**: \(cause)")
            }
        }
        if !report.notes.isEmpty {
            out.append("")
            out.append("Left out: " + report.notes.joined(separator: "; "))
        }
        out.append("")
        return out.joined(separator: "\n")
    }

    /// One row per operation, then per pgbench script, in the columns' order.
    static func rows(_ report: ShopReport) -> [[String]] {
        var rows: [[String]] = []
        for result in report.operations {
            if result.failure != nil {
                rows.append([result.label, "failed", "–", "–", "–", "–", "–", "–"])
                continue
            }
            rows.append([
                result.label,
                Format.rate(result.callsPerSecond),
                Format.latency(result.latency.p50),
                Format.latency(result.latency.p90),
                Format.latency(result.latency.p99),
                Format.latency(result.latency.p999),
                "–",
                result.serverCPUPerCall.map { String(format: "%.0f", $0 * 1e6) } ?? "–",
            ])
        }
        for result in report.pgbench {
            rows.append([
                result.script.label,
                Format.rate(result.transactionsPerSecond),
                Format.latency(result.latency.p50),
                Format.latency(result.latency.p90),
                Format.latency(result.latency.p99),
                Format.latency(result.latency.p999),
                Format.latency(result.latencyAverageMicros),
                "–",
            ])
        }
        return rows
    }

    private static func line(_ cells: [String]) -> String {
        zip(cells, Self.columns).enumerated().map { index, pair in
            let (cell, column) = pair
            let padding = String(repeating: " ", count: max(0, column.width - cell.count))
            return index == 0 ? cell + padding : padding + cell
        }
        .joined(separator: " ")
    }
}

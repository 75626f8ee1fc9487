import Foundation

/// The table souk-bench prints on the terminal, one block of rows per scenario as it finishes.
package enum TerminalTable {
    private static let columns: [(title: String, width: Int)] = [
        ("wire", 15), ("rate", 16), ("MB/s", 8), ("p50", 9), ("p90", 9), ("p99", 9), ("p99.9", 9),
        ("cli µs/call", 11), ("srv µs/call", 11), ("÷ SWP", 7),
    ]

    /// The header line.
    package static var header: String {
        Self.line(Self.columns.map(\.title))
    }

    /// The scenario's title and one row per wire.
    package static func rows(_ measurements: [WireResult]) -> String {
        guard let scenario = measurements.first?.scenario else { return "" }
        let swp = measurements.first { $0.wire == .swp }
        var lines = ["── \(scenario.name)"]
        for measurement in measurements {
            let unit = scenario.call == .unary ? "calls/s" : "msg/s"
            let versus = swp.flatMap { $0.rate > 0 ? Format.ratio(measurement.rate / $0.rate) : nil } ?? ""
            lines.append(
                Self.line([
                    measurement.wire.label,
                    "\(Format.rate(measurement.rate)) \(unit)",
                    String(format: "%.1f", measurement.megabytesPerSecond),
                    Format.latency(measurement.latency.p50),
                    Format.latency(measurement.latency.p90),
                    Format.latency(measurement.latency.p99),
                    Format.latency(measurement.latency.p999),
                    measurement.clientCPUPerCall.map { String(format: "%.1f", $0 * 1e6) } ?? "–",
                    measurement.serverCPUPerCall.map { String(format: "%.1f", $0 * 1e6) } ?? "–",
                    versus,
                ])
            )
        }
        return lines.joined(separator: "\n")
    }

    /// The targets, one line each.
    package static func targets(_ checks: [TargetCheck]) -> String {
        checks.map { check in
            let mark = check.reached.map { $0 ? "reached" : "MISSED " } ?? "n/a    "
            return "\(mark) \(check.name): \(check.shown) (goal \(check.goal); \(check.detail))"
        }
        .joined(separator: "\n")
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

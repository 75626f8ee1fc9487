import Foundation

/// Writes a report as `NAME.json`, `NAME.md` and `NAME.svg` in a folder.
package struct ResultFiles: Sendable {
    package var folder: String
    package var name: String

    package init(folder: String, name: String) {
        self.folder = folder
        self.name = name
    }

    /// Writes all three files, creating the folder if needed.
    package func write(_ report: BenchReport) throws {
        try FileManager.default.createDirectory(atPath: self.folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: self.url("json"))
        let chart = LatencyChart.render(report.measurements, title: "Unary echo, 64 B, TLS: latency vs throughput")
        try Data(chart.utf8).write(to: self.url("svg"))
        let summary = MarkdownSummary.render(report, chart: "\(self.name).svg")
        try Data(summary.utf8).write(to: self.url("md"))
    }

    private func url(_ suffix: String) -> URL {
        URL(fileURLWithPath: self.folder).appendingPathComponent("\(self.name).\(suffix)")
    }
}

import Foundation

/// The results of a run, as text for people and JSON for programs.
package struct ConformanceReport: Sendable, Codable {
    /// One result per case, in the order run.
    package var results: [CaseResult]

    /// Creates a report.
    package init(results: [CaseResult]) {
        self.results = results
    }

    /// Whether any case failed (a known case that passes counts as a failure).
    package var hasFailures: Bool { self.results.contains { $0.outcome.isFailure } }

    /// How many results have each outcome.
    package var counts: [CaseResult.Outcome: Int] {
        Dictionary(grouping: self.results, by: \.outcome).mapValues(\.count)
    }

    /// h2spec-style text: one line per case, then the failures in detail, then a summary.
    package var text: String {
        var lines: [String] = []
        for result in self.results {
            let mark =
                switch result.outcome {
                case .passed: "pass   "
                case .failed: "FAIL   "
                case .known: "known  "
                case .knownButPassed: "FAIL   "
                case .skipped: "skip   "
                }
            var line = "\(mark) \(result.id)  §\(result.section)  \(result.title)"
            if let detail = result.detail { line += "  (\(detail))" }
            lines.append(line)
        }
        let failures = self.results.filter { $0.outcome == .failed || $0.outcome == .known }
        for result in failures {
            lines.append("")
            lines.append(
                "\(result.outcome == .known ? "known" : "FAIL") \(result.id) §\(result.section): \(result.title)"
            )
            lines.append("  expected: \(result.expected ?? "")")
            lines.append("  saw:      \(result.seen ?? "")")
            for line in result.transcript ?? [] { lines.append("    \(line)") }
        }
        let counts = self.counts
        lines.append("")
        lines.append(
            "\(self.results.count) cases: \(counts[.passed] ?? 0) passed, \(counts[.failed] ?? 0) failed, "
                + "\(counts[.known] ?? 0) known disagreements, \(counts[.knownButPassed] ?? 0) known but passed, "
                + "\(counts[.skipped] ?? 0) skipped"
        )
        return lines.joined(separator: "\n")
    }

    /// The report as JSON: `{"results": [{"id", "section", "title", "outcome", ...}]}`.
    package var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

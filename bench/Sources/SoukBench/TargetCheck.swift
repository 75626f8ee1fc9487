import Foundation

/// One of the benchmark issue's targets, checked against a run's figures.
package struct TargetCheck: Sendable, Codable, Hashable {
    /// What is compared, e.g. `unary 64 B ×64 TLS: SWP calls/s vs gRPC/HTTP2`.
    package var name: String
    /// The goal, e.g. `≥ 5×`.
    package var goal: String
    /// The measured ratio or value, or nil when the run did not measure it.
    package var value: Double?
    /// The value as shown: `5.2×`, `1,204,000`, `+3.1 %`.
    package var shown: String
    /// The figures behind it.
    package var detail: String
    /// Whether the goal was reached (nil when not measured).
    package var reached: Bool?

    /// Checks every target the run has figures for.
    package static func evaluate(measurements: [WireResult], soak: SoakResult?) -> [TargetCheck] {
        func find(_ scenario: Scenario, _ wire: BenchWire) -> WireResult? {
            measurements.first { $0.scenario == scenario && $0.wire == wire }
        }
        let unary64 = Scenario(call: .unary, payloadBytes: 64, inFlight: 64)
        let unary1 = Scenario(call: .unary, payloadBytes: 64, inFlight: 1)
        let plain64 = Scenario(call: .unary, payloadBytes: 64, inFlight: 64, tls: false)
        var checks: [TargetCheck] = []

        checks.append(
            .ratio(
                "unary 64 B ×64 TLS: SWP calls/s ÷ gRPC/HTTP2",
                atLeast: 5,
                find(unary64, .swp),
                find(unary64, .http2),
                \.rate,
                unit: "calls/s"
            )
        )
        checks.append(
            .ratio(
                "unary 64 B ×64 TLS: SWP calls/s ÷ in-process",
                atLeast: 0.8,
                find(unary64, .swp),
                find(unary64, .inProcess),
                \.rate,
                unit: "calls/s"
            )
        )
        checks.append(
            .ratio(
                "unary 64 B ×64 TLS: SWP p99 ÷ gRPC/HTTP2 p99",
                atMost: 0.25,
                find(unary64, .swp),
                find(unary64, .http2),
                \.latency.p99,
                unit: "µs"
            )
        )
        checks.append(
            .ratio(
                "unary 64 B ×1 TLS: SWP p50 ÷ gRPC/HTTP2 p50",
                atMost: 0.2,
                find(unary1, .swp),
                find(unary1, .http2),
                \.latency.p50,
                unit: "µs"
            )
        )
        checks.append(
            .ratio(
                "unary 64 B ×1 TLS: SWP p50 ÷ C floor (TLS) p50",
                atMost: 3,
                find(unary1, .swp),
                find(unary1, .floor),
                \.latency.p50,
                unit: "µs"
            )
        )
        let streams = measurements.filter {
            $0.wire == .swp && $0.scenario.call == .serverStreaming && $0.scenario.payloadBytes == 64
                && $0.scenario.tls
        }
        if let best = streams.max(by: { $0.messagesPerSecond < $1.messagesPerSecond }) {
            checks.append(
                TargetCheck(
                    name: "server streaming 64 B TLS: SWP messages/s",
                    goal: "≥ 1,000,000",
                    value: best.messagesPerSecond,
                    shown: Format.rate(best.messagesPerSecond),
                    detail: "\(Format.rate(best.messagesPerSecond)) msg/s at ×\(best.scenario.inFlight)",
                    reached: best.messagesPerSecond >= 1_000_000
                )
            )
        } else {
            checks.append(.notMeasured("server streaming 64 B TLS: SWP messages/s", goal: "≥ 1,000,000"))
        }
        checks.append(
            .ratio(
                "unary 64 B ×64: SWP TLS calls/s ÷ SWP plaintext (TLS costs ≤ 15 %)",
                atLeast: 0.85,
                find(unary64, .swp),
                find(plain64, .swp),
                \.rate,
                unit: "calls/s"
            )
        )
        if let soak, soak.baselineBytes > 0 {
            checks.append(
                TargetCheck(
                    name: "server resident memory growth after warm-up, \(Format.rate(Double(soak.calls))) SWP calls",
                    goal: "≤ 10 %",
                    value: soak.growth,
                    shown: String(format: "%+.1f %%", soak.growth * 100),
                    detail: "\(Format.mebibytes(soak.baselineBytes)) → \(Format.mebibytes(soak.finalBytes))",
                    reached: soak.growth <= 0.10
                )
            )
        } else {
            checks.append(.notMeasured("server resident memory growth after warm-up", goal: "≤ 10 %"))
        }
        return checks
    }

    private static func ratio(
        _ name: String,
        atLeast: Double? = nil,
        atMost: Double? = nil,
        _ measured: WireResult?,
        _ reference: WireResult?,
        _ value: KeyPath<WireResult, Double>,
        unit: String
    ) -> TargetCheck {
        let goal = atLeast.map { "≥ \(Format.ratio($0))" } ?? atMost.map { "≤ \(Format.ratio($0))" } ?? ""
        guard let measured, let reference, reference[keyPath: value] > 0 else {
            return .notMeasured(name, goal: goal)
        }
        let ratio = measured[keyPath: value] / reference[keyPath: value]
        let reached = atLeast.map { ratio >= $0 } ?? atMost.map { ratio <= $0 } ?? false
        return TargetCheck(
            name: name,
            goal: goal,
            value: ratio,
            shown: Format.ratio(ratio),
            detail: "\(Format.rate(measured[keyPath: value])) vs \(Format.rate(reference[keyPath: value])) \(unit)",
            reached: reached
        )
    }

    private static func notMeasured(_ name: String, goal: String) -> TargetCheck {
        TargetCheck(name: name, goal: goal, value: nil, shown: "–", detail: "not measured in this run", reached: nil)
    }
}

/// Number formatting shared by the table, the summary and the chart.
package enum Format {
    /// A rate or count with thousands separators: `41,250`; below 100 with one decimal.
    package static func rate(_ value: Double) -> String {
        if value < 100 { return String(format: "%.1f", value) }
        let rounded = Int(value.rounded())
        let digits = String(rounded)
        var out = ""
        for (index, digit) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return String(out.reversed())
    }

    /// A ratio: `5.2×`, `0.25×`.
    package static func ratio(_ value: Double) -> String {
        value >= 10
            ? String(format: "%.0f×", value)
            : value >= 1 ? String(format: "%.1f×", value) : String(format: "%.2f×", value)
    }

    /// Microseconds, switching to milliseconds from 10 ms: `742 µs`, `14.2 ms`.
    package static func micros(_ value: Double) -> String {
        value >= 10_000 ? String(format: "%.1f ms", value / 1000) : String(format: "%.0f µs", value)
    }

    /// A latency cell: "–" when nothing was measured (zero).
    package static func latency(_ micros: Double) -> String {
        micros > 0 ? Self.micros(micros) : "–"
    }

    /// Bytes as MiB with one decimal.
    package static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}

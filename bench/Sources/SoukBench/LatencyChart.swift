import Foundation

/// `bench/results/latency-vs-qps.svg`: latency against throughput for the unary 64 B TLS concurrency sweep, one
/// line per wire (p50 solid, p99 dashed), both axes logarithmic, each point labelled with its calls in flight.
package enum LatencyChart {
    private static let width = 760.0
    private static let height = 460.0
    private static let left = 70.0
    private static let right = 170.0
    private static let top = 40.0
    private static let bottom = 60.0
    private static let colors: [BenchWire: String] = [
        .swp: "#d62728", .http2: "#1f77b4", .inProcess: "#2ca02c", .swpC: "#ff7f0e", .floor: "#7f7f7f",
    ]

    /// The measurements the chart draws: unary 64 B over TLS, one connection, no compression.
    package static func points(_ measurements: [WireResult]) -> [BenchWire: [WireResult]] {
        let sweep = measurements.filter {
            $0.scenario.call == .unary && $0.scenario.payloadBytes == 64 && $0.scenario.tls
                && !$0.scenario.compression && $0.scenario.connections == 1 && $0.calls > 0
        }
        return Dictionary(grouping: sweep, by: \.wire).mapValues {
            $0.sorted { $0.scenario.inFlight < $1.scenario.inFlight }
        }
    }

    /// The SVG document.
    package static func render(_ measurements: [WireResult], title: String) -> String {
        let lines = Self.points(measurements)
        let all = lines.values.flatMap { $0 }
        var svg: [String] = [
            ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(Int(width))" height="\##(Int(height))" "##
                + ##"viewBox="0 0 \##(Int(width)) \##(Int(height))" font-family="sans-serif" font-size="12">"##,
            ##"<rect width="100%" height="100%" fill="white"/>"##,
            ##"<text x="\##(Int(width / 2))" y="22" text-anchor="middle" font-size="15">\##(Self.escape(title))</text>"##,
        ]
        guard !all.isEmpty else {
            svg.append(
                ##"<text x="\##(Int(width / 2))" y="\##(Int(height / 2))" text-anchor="middle">no unary 64 B TLS figures in this run</text>"##
            )
            svg.append("</svg>")
            return svg.joined(separator: "\n")
        }
        let xRange = Self.decades(all.map(\.callsPerSecond))
        let yRange = Self.decades(all.flatMap { [$0.latency.p50, $0.latency.p99] })
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let x = { (value: Double) in
            left + (log10(value) - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotWidth
        }
        let y = { (value: Double) in
            top + plotHeight - (log10(value) - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * plotHeight
        }

        svg.append(
            ##"<rect x="\##(left)" y="\##(top)" width="\##(plotWidth)" height="\##(plotHeight)" fill="none" stroke="#444"/>"##
        )
        for tick in Self.ticks(xRange) {
            let position = Self.number(x(tick))
            svg.append(
                ##"<line x1="\##(position)" y1="\##(top)" x2="\##(position)" y2="\##(top + plotHeight)" stroke="#eee"/>"##
            )
            svg.append(
                ##"<text x="\##(position)" y="\##(top + plotHeight + 18)" text-anchor="middle">\##(Self.short(tick))</text>"##
            )
        }
        for tick in Self.ticks(yRange) {
            let position = Self.number(y(tick))
            svg.append(
                ##"<line x1="\##(left)" y1="\##(position)" x2="\##(left + plotWidth)" y2="\##(position)" stroke="#eee"/>"##
            )
            svg.append(
                ##"<text x="\##(left - 6)" y="\##(position)" dy="4" text-anchor="end">\##(Self.latency(tick))</text>"##
            )
        }
        svg.append(
            ##"<text x="\##(left + plotWidth / 2)" y="\##(height - 18)" text-anchor="middle">calls per second (log)</text>"##
        )
        svg.append(
            ##"<text transform="translate(18 \##(top + plotHeight / 2)) rotate(-90)" text-anchor="middle">latency (log)</text>"##
        )

        var legendY = top + 10
        for wire in BenchWire.allCases {
            guard let points = lines[wire], let color = Self.colors[wire] else { continue }
            for (dash, percentile) in [("", \LatencyPercentiles.p50), ("6 4", \LatencyPercentiles.p99)] {
                let path = points.map {
                    "\(Self.number(x($0.callsPerSecond))),\(Self.number(y($0.latency[keyPath: percentile])))"
                }
                svg.append(
                    ##"<polyline points="\##(path.joined(separator: " "))" fill="none" stroke="\##(color)" stroke-width="2""##
                        + (dash.isEmpty ? "" : ##" stroke-dasharray="\##(dash)""##) + "/>"
                )
                for point in points {
                    let px = Self.number(x(point.callsPerSecond))
                    let py = Self.number(y(point.latency[keyPath: percentile]))
                    svg.append(##"<circle cx="\##(px)" cy="\##(py)" r="3" fill="\##(color)"/>"##)
                    if dash.isEmpty {
                        svg.append(
                            ##"<text x="\##(px)" y="\##(py)" dx="5" dy="-5" fill="\##(color)" font-size="10">×\##(point.scenario.inFlight)</text>"##
                        )
                    }
                }
            }
            let legendX = left + plotWidth + 14
            svg.append(
                ##"<line x1="\##(legendX)" y1="\##(legendY)" x2="\##(legendX + 22)" y2="\##(legendY)" stroke="\##(color)" stroke-width="2"/>"##
            )
            svg.append(##"<text x="\##(legendX + 28)" y="\##(legendY + 4)">\##(Self.escape(wire.label))</text>"##)
            legendY += 20
        }
        let legendX = left + plotWidth + 14
        svg.append(##"<text x="\##(legendX)" y="\##(legendY + 10)" fill="#444">solid: p50</text>"##)
        svg.append(##"<text x="\##(legendX)" y="\##(legendY + 26)" fill="#444">dashed: p99</text>"##)
        svg.append(##"<text x="\##(legendX)" y="\##(legendY + 42)" fill="#444">×N: calls in flight</text>"##)
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    /// The whole decades (as log10 bounds) that hold every value.
    static func decades(_ values: [Double]) -> ClosedRange<Double> {
        let positive = values.filter { $0 > 0 }
        let low = floor(log10(positive.min() ?? 1))
        let high = ceil(log10(positive.max() ?? 10))
        return low...(high > low ? high : low + 1)
    }

    /// Ticks at 1, 2 and 5 times each power of ten inside `range`.
    static func ticks(_ range: ClosedRange<Double>) -> [Double] {
        var ticks: [Double] = []
        var exponent = range.lowerBound
        while exponent <= range.upperBound {
            for factor in [1.0, 2, 5] {
                let value = factor * pow(10, exponent)
                if log10(value) <= range.upperBound + 1e-9 { ticks.append(value) }
            }
            exponent += 1
        }
        return ticks
    }

    private static func short(_ value: Double) -> String {
        value >= 1_000_000 ? "\(Int(value / 1_000_000))M" : value >= 1000 ? "\(Int(value / 1000))k" : "\(Int(value))"
    }

    private static func latency(_ micros: Double) -> String {
        micros >= 1_000_000
            ? "\(Int(micros / 1_000_000)) s" : micros >= 1000 ? "\(Int(micros / 1000)) ms" : "\(Int(micros)) µs"
    }

    private static func number(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}

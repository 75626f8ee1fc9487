import Foundation
import SoukBench
import Testing

@Suite("Reports: targets, summary, chart")
struct ReportTests {
    static func measurement(
        _ scenario: Scenario,
        _ wire: BenchWire,
        rate: Double,
        p50: Double,
        p99: Double
    ) -> WireResult {
        WireResult(
            scenario: scenario,
            wire: wire,
            calls: Int(rate * 2),
            messages: Int(rate * 2),
            payloadBytes: Int(rate * 2) * scenario.payloadBytes,
            seconds: 2,
            latency: LatencyPercentiles(p50: p50, p90: p50 * 1.5, p99: p99, p999: p99 * 2),
            clientCPUPerCall: 20e-6,
            serverCPUPerCall: 15e-6,
            serverPeakMemoryBytes: 50 << 20
        )
    }

    static let unary64 = Scenario(call: .unary, payloadBytes: 64, inFlight: 64)
    static let unary1 = Scenario(call: .unary, payloadBytes: 64, inFlight: 1)

    @Test("a target is reached or missed by the measured ratio")
    func targetRatios() throws {
        let measurements = [
            Self.measurement(Self.unary64, .swp, rate: 40_000, p50: 1500, p99: 3000),
            Self.measurement(Self.unary64, .http2, rate: 8_000, p50: 7000, p99: 14_000),
            Self.measurement(Self.unary64, .inProcess, rate: 60_000, p50: 1000, p99: 2000),
        ]
        let checks = TargetCheck.evaluate(measurements: measurements, soak: nil)
        let versusHTTP2 = try #require(checks.first { $0.name.contains("SWP calls/s ÷ gRPC/HTTP2") })
        #expect(versusHTTP2.value == 5)
        #expect(versusHTTP2.reached == true)
        let versusInProcess = try #require(checks.first { $0.name.contains("÷ in-process") })
        #expect(versusInProcess.reached == false)
        #expect(abs((versusInProcess.value ?? 0) - 40_000.0 / 60_000) < 1e-9)
        let p99 = try #require(checks.first { $0.name.contains("p99 ÷") })
        #expect(p99.value == 3000.0 / 14_000)
        #expect(p99.reached == true)
        let floor = try #require(checks.first { $0.name.contains("C floor") })
        #expect(floor.reached == nil, "no floor figures: not measured, not passed")
    }

    @Test("memory growth is measured from the sample after the first tenth of the calls")
    func soakGrowth() {
        let samples = [
            SoakSample(calls: 50_000, residentBytes: 40 << 20),
            SoakSample(calls: 120_000, residentBytes: 50 << 20),
            SoakSample(calls: 1_000_000, residentBytes: 56 << 20),
        ]
        let soak = SoakResult(calls: 1_000_000, inFlight: 64, samples: samples)
        #expect(soak.baselineBytes == 50 << 20)
        #expect(abs(soak.growth - 0.12) < 1e-9)
        let check = TargetCheck.evaluate(measurements: [], soak: soak).first { $0.name.contains("memory") }
        #expect(check?.reached == false)
    }

    @Test("the summary and the chart show every wire of the sweep")
    func summaryAndChart() throws {
        var measurements: [WireResult] = []
        for (inFlight, scale) in [(1, 1.0), (64, 6.0)] {
            let scenario = Scenario(call: .unary, payloadBytes: 64, inFlight: inFlight)
            measurements.append(Self.measurement(scenario, .swp, rate: 10_000 * scale, p50: 90, p99: 300 * scale))
            measurements.append(Self.measurement(scenario, .http2, rate: 1_300 * scale, p50: 750, p99: 2000 * scale))
        }
        let report = BenchReport(
            startedAt: "2026-11-27T00:00:00Z",
            machine: .current(),
            quick: false,
            timing: BenchTiming(warmup: .seconds(1), measure: .seconds(2), rounds: 2),
            measurements: measurements,
            skipped: [],
            soak: nil
        )
        let markdown = MarkdownSummary.render(report, chart: "latest.svg")
        #expect(markdown.contains("| unary 64 B ×64 tls | gRPC/HTTP2 | 7,800 |"))
        #expect(markdown.contains("![latency vs throughput](latest.svg)"))

        let svg = LatencyChart.render(measurements, title: "test")
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.hasSuffix("</svg>"))
        // Per wire, one p50 and one p99 line, each through both points.
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 4)
        #expect(svg.contains(">SWP</text>") && svg.contains(">gRPC/HTTP2</text>"))
        #expect(svg.contains(">×64</text>"))

        let encoded = try JSONEncoder().encode(report)
        let decoded = try JSONDecoder().decode(BenchReport.self, from: encoded)
        #expect(decoded.measurements == measurements)
        let json = try #require(String(data: encoded, encoding: .utf8))
        #expect(json.contains("\"callsPerSecond\""))
    }

    @Test("the soukd banner gives the ports and the CA")
    func banner() {
        let text = """
            soukd ready: swp 127.0.0.1:40001 grpc 127.0.0.1:40002 (TLS)
              clients trust /tmp/x/tls/ca.pem
              services: testing, grpc.health.v1.Health
            """
        #expect(
            ServerEndpoint(banner: text)
                == ServerEndpoint(
                    host: "127.0.0.1",
                    swpPort: 40001,
                    grpcPort: 40002,
                    certificateAuthority: "/tmp/x/tls/ca.pem"
                )
        )
        let plain = "soukd ready: swp 127.0.0.1:5 grpc 127.0.0.1:6 (plaintext)\n"
        #expect(ServerEndpoint(banner: plain)?.tls == false)
        #expect(ServerEndpoint(banner: "starting…\n") == nil)
    }
}

import SoukWireConformance
import Testing

/// How the runner judges results against the list of known disagreements.
@Suite("ConformanceRunner and the known-disagreements list")
struct ConformanceRunnerTests {
    let target = ConformanceTarget(host: "127.0.0.1", port: 1, security: .plaintext)
    let passing = ConformanceCase("0/1", "passes") { _ in }
    let failing = ConformanceCase("0/2", "fails") { _ in throw CaseFailure(expected: "x", seen: "y") }

    @Test("a failing case fails the run; listed as known it does not")
    func knownFailure() async {
        let plain = await ConformanceRunner(known: []).run([self.failing], against: self.target)
        #expect(plain.results.map(\.outcome) == [.failed])
        #expect(plain.hasFailures)
        let known = await ConformanceRunner(known: ["0/2"]).run([self.failing], against: self.target)
        #expect(known.results.map(\.outcome) == [.known])
        #expect(!known.hasFailures)
    }

    @Test("a known case that passes fails the run, so the list cannot rot")
    func knownButPassed() async {
        let report = await ConformanceRunner(known: ["0/1"]).run([self.passing], against: self.target)
        #expect(report.results.map(\.outcome) == [.knownButPassed])
        #expect(report.hasFailures)
    }

    @Test("the list's format: an id, then a reason; comments and blank lines ignored")
    func parse() {
        let ids = KnownDisagreements.parse("# comment\n3/6  no SETTINGS_TIMEOUT\n\n7.1/5\tdiscarded # why\n")
        #expect(ids == ["3/6", "7.1/5"])
    }

    @Test("a TLS-only case is skipped on a plaintext target")
    func skipped() async {
        let tlsOnly = ConformanceCase("0/3", "needs TLS", requires: [.tls]) { _ in }
        let report = await ConformanceRunner(known: []).run([tlsOnly], against: self.target)
        #expect(report.results.map(\.outcome) == [.skipped])
        #expect(report.json.contains("\"outcome\" : \"skipped\""))
    }
}

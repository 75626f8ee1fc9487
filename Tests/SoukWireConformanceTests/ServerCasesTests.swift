import Foundation
import GRPCCore
import SoukConformance
import SoukTLS
import SoukWire
import SoukWireConformance
import TestSupport
import Testing

/// Every server case against a real SWP server on loopback, plaintext and TLS: all pass, or fail as the list of
/// known disagreements says (and a listed case that passes fails the test, so the list cannot rot).
@Suite("swp-conformance's server cases against a real SWP server", .timeLimit(.minutes(5)))
struct ServerCasesTests {
    @Test("plaintext: every case passes or is a known disagreement")
    func plaintext() async throws {
        try await self.runAll(tls: false)
    }

    @Test("TLS 1.3 with ALPN swp/1: every case passes or is a known disagreement")
    func tls() async throws {
        try await self.runAll(tls: true)
    }

    func runAll(tls: Bool) async throws {
        let runner = ConformanceRunner(known: try Self.knownDisagreements())
        try await withTemporaryDirectory { folder in
            let serverTLS: WireTLS.Server?
            let security: ConformanceTarget.Security
            if tls {
                let files = try DevelopmentCertificateAuthority(folder: "\(folder)/tls").ensureServerCertificate()
                serverTLS = WireTLS.Server(
                    certificateChainPath: files.certificateChain,
                    privateKeyPath: files.privateKey
                )
                security = .tls(certificateAuthorityPath: files.certificateAuthority)
            } else {
                serverTLS = nil
                security = .plaintext
            }
            let cases = ConformanceSuite.all
            var results: [CaseResult] = []
            try await Self.withServer(tls: serverTLS) { port, _ in
                let target = ConformanceTarget(host: "127.0.0.1", port: port, security: security)
                let report = await runner.run(
                    cases.filter { !$0.requirements.contains(.drain) },
                    against: target,
                    parallelism: 4
                )
                results += report.results
            }
            // A drain ends the server: each drain case gets its own.
            for drainCase in cases where drainCase.requirements.contains(.drain) {
                try await Self.withServer(tls: serverTLS) { port, server in
                    var target = ConformanceTarget(host: "127.0.0.1", port: port, security: security)
                    target.beginDrain = { server.beginGracefulShutdown() }
                    results.append(await runner.run(drainCase, against: target))
                }
            }
            let report = ConformanceReport(results: results)
            let hasFailures = report.hasFailures
            let text = report.text
            #expect(!hasFailures, "\(text)")
            let skipped = results.filter { $0.outcome == .skipped }.map(\.id)
            let expectedSkips = tls ? ["12/9"] : ["2/1", "2/2", "2/3", "2/4", "2/5", "12/9"]
            #expect(skipped == expectedSkips, "skipped: \(skipped)")
        }
    }

    /// Runs an SWP server hosting the TestService with the protocol's default settings (zstd accepted), except a
    /// KEEPALIVE_MIN_INTERVAL_MS of 1 s so the ping-policing cases can wait it out.
    static func withServer(
        tls: WireTLS.Server?,
        _ body: (Int, GRPCServer<SWPServerTransport>) async throws -> Void
    ) async throws {
        var config = SWPServerTransport.Config(host: "127.0.0.1", port: 0, tls: tls)
        config.settings.keepaliveMinimumIntervalMilliseconds = 1000
        let transport = SWPServerTransport(config: config)
        let server = GRPCServer(transport: transport, services: [TestService()])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            defer {
                server.beginGracefulShutdown()
                group.cancelAll()
            }
            try await body(try await transport.listeningPort, server)
        }
    }

    static func knownDisagreements() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("Conformance/known-disagreements.txt")
        return KnownDisagreements.parse(try String(contentsOf: file, encoding: .utf8))
    }
}

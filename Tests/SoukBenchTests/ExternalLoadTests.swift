import Foundation
import SoukBench
import Testing

@Suite("The C client's raw load: its arguments, its JSON line, its rounds combined")
struct ExternalLoadTests {
    static let rawLine = """
        {"method":"raw","path":"/souk.catalog.v1.CatalogService/GetProduct","requests":1500,"order":"random",\
        "connections":1,"in_flight":16,"calls":52000,"errors":0,"seconds":10.000,"qps":5200.0,"p50_us":2900.5,\
        "p90_us":4000.0,"p99_us":6100.2,"p999_us":9000.0,"cpu_seconds":0.812}
        """

    @Test("the arguments: connection options and metadata before `load`, then raw's path, file, counts and seed")
    func arguments() {
        let load = ExternalLoad.RawLoad(
            path: "/souk.catalog.v1.CatalogService/GetProduct",
            requestFile: "/tmp/x/product-lookup.requests",
            metadata: ["authorization:Bearer t0ken"],
            inFlight: 16,
            seed: 3
        )
        let endpoint = ServerEndpoint(host: "127.0.0.1", swpPort: 7700, grpcPort: 7701, certificateAuthority: "/ca.pem")
        let arguments = load.arguments(endpoint: endpoint, warmup: .seconds(2), measure: .milliseconds(10_500))
        #expect(
            arguments == [
                "--host", "127.0.0.1", "--port", "7700", "--ca", "/ca.pem", "--timeout-ms", "60000",
                "-H", "authorization:Bearer t0ken",
                "load", "--method", "raw", "--path", "/souk.catalog.v1.CatalogService/GetProduct",
                "--request-file", "/tmp/x/product-lookup.requests", "--connections", "1", "--in-flight", "16",
                "--warmup-s", "2.000", "--duration-s", "10.500", "--seed", "3",
            ]
        )
        var plain = load
        plain.seed = nil
        let plaintext = ServerEndpoint(host: "::1", swpPort: 1, grpcPort: 2, certificateAuthority: nil)
        let inTurn = plain.arguments(endpoint: plaintext, warmup: .zero, measure: .seconds(1))
        #expect(inTurn.contains("--plaintext") && !inTurn.contains("--ca") && !inTurn.contains("--seed"))
    }

    @Test("a raw run's JSON line is read after other output: path, calls, seconds, percentiles in µs, CPU")
    func readsRawLine() throws {
        let summary = try ExternalLoad.summary(
            status: 0,
            output: "a warning first\n\(Self.rawLine)\n",
            tool: "C client",
            payloadBytes: 0
        )
        #expect(summary.path == "/souk.catalog.v1.CatalogService/GetProduct")
        #expect(summary.calls == 52_000)
        #expect(summary.seconds == 10)
        #expect(summary.latency == LatencyPercentiles(p50: 2900.5, p90: 4000, p99: 6100.2, p999: 9000))
        #expect(summary.clientCPUSeconds == 0.812)
        #expect(summary.serverCPUSeconds == nil, "the bench reads soukd's CPU itself")
    }

    @Test("a failed run (exit 30 with its first cause), errors in the line or no line at all are refused")
    func refusesFailedRuns() {
        let failed = """
            swp-call load: 12 call(s) failed; first failure: UNIMPLEMENTED "method not found"
            """
        #expect(
            throws: BenchError.externalTool(
                tool: "C client",
                message: #"exit 30: swp-call load: 12 call(s) failed; first failure: UNIMPLEMENTED "method not found""#
            )
        ) {
            try ExternalLoad.summary(status: 30, output: failed, tool: "C client", payloadBytes: 0)
        }
        let withErrors = Self.rawLine.replacingOccurrences(of: #""errors":0"#, with: #""errors":2"#)
        #expect(throws: BenchError.callsFailed(failed: 2, completed: 52_000, cause: "C client reported errors")) {
            try ExternalLoad.summary(status: 0, output: withErrors, tool: "C client", payloadBytes: 0)
        }
        #expect(throws: BenchError.externalTool(tool: "C client", message: "printed no result: nothing")) {
            try ExternalLoad.summary(status: 0, output: "nothing\n", tool: "C client", payloadBytes: 0)
        }
    }

    @Test("the C client's rounds combine: calls summed, percentiles weighted by calls, CPU per call")
    func combinesRounds() throws {
        func round(calls: Int, p99: Double, cpu: Double, server: Double?) throws -> LoadOutcomeSummary {
            let line = Self.rawLine
                .replacingOccurrences(of: #""calls":52000"#, with: #""calls":\#(calls)"#)
                .replacingOccurrences(of: #""p99_us":6100.2"#, with: #""p99_us":\#(p99)"#)
                .replacingOccurrences(of: #""cpu_seconds":0.812"#, with: #""cpu_seconds":\#(cpu)"#)
            var summary = try ExternalLoad.summary(status: 0, output: line, tool: "C client", payloadBytes: 0)
            summary.serverCPUSeconds = server
            return summary
        }
        let rounds = [
            try round(calls: 1000, p99: 100, cpu: 0.5, server: 1.0),
            try round(calls: 3000, p99: 200, cpu: 1.5, server: 3.0),
        ]
        let result = ShopOperationResult(operation: .lookup, cClientRounds: rounds, failure: nil)
        #expect(result.driver == .c)
        #expect(result.label == "product lookup (GetProduct), C client")
        #expect(result.calls == 4000)
        #expect(result.seconds == 20)
        #expect(result.callsPerSecond == 200)
        #expect(result.latency.p99 == 175)
        #expect(result.clientCPUPerCall == 0.0005)
        #expect(result.serverCPUPerCall == 0.001)
        var unread = rounds
        unread[1].serverCPUSeconds = nil
        let partial = ShopOperationResult(operation: .search, cClientRounds: unread, failure: nil)
        #expect(partial.serverCPUPerCall == nil, "a round without soukd's CPU leaves the total unknown")
        let none = ShopOperationResult(operation: .search, cClientRounds: [], failure: "UNAVAILABLE")
        #expect(none.calls == 0 && none.latency.p99 == 0 && none.clientCPUPerCall == nil)
    }
}

import Foundation
import Histogram
import SoukBench
import SoukHost
import TestSupport
import Testing

@Suite("The shop against PostgreSQL: pgbench's output, the targets, the report, the load")
struct ShopBenchTests {
    /// What pgbench 15 prints for `-S -c 16 -j 2 -T 10` (notices first, as it prints them).
    static let selectOnlyOutput = """
        pgbench (15.18 (Debian 15.18-0+deb12u1))
        starting vacuum...end.
        transaction type: <builtin: select only>
        scaling factor: 10
        query mode: simple
        number of clients: 16
        number of threads: 2
        maximum number of tries: 1
        duration: 10 s
        number of transactions actually processed: 370571
        number of failed transactions: 0 (0.000%)
        latency average = 0.431 ms
        initial connection time = 12.093 ms
        tps = 37057.228893 (without initial connection time)
        """

    static func output(transactions: Int, tps: Double, latencyMicros: Double) -> PgbenchOutput {
        PgbenchOutput(
            clients: 16,
            threads: 2,
            transactions: transactions,
            failedTransactions: 0,
            latencyAverageMicros: latencyMicros,
            transactionsPerSecond: tps
        )
    }

    static func operation(
        _ operation: ShopOperation,
        _ driver: ShopDriver = .swift,
        rate: Double,
        p99: Double,
        failure: String? = nil
    )
        -> ShopOperationResult
    {
        ShopOperationResult(
            operation: operation,
            driver: driver,
            calls: Int(rate * 10),
            seconds: 10,
            latency: LatencyPercentiles(p50: p99 / 3, p90: p99 / 2, p99: p99, p999: p99 * 2),
            clientCPUPerCall: 100e-6,
            serverCPUPerCall: 200e-6,
            failure: failure
        )
    }

    static func pgbench(_ script: PgbenchScript, tps: Double, p99: Double) -> PgbenchResult {
        PgbenchResult(
            script: script,
            clients: 16,
            threads: 2,
            transactions: Int(tps * 10),
            seconds: 10,
            transactionsPerSecond: tps,
            latencyAverageMicros: p99 / 4,
            latency: LatencyPercentiles(p50: p99 / 4, p90: p99 / 2, p99: p99, p999: p99 * 2)
        )
    }

    static let plan = ShopPlan(
        soukd: "soukd",
        pgbench: "pgbench",
        warmupSeconds: 2,
        measureSeconds: 10,
        rounds: 2,
        inFlight: 16,
        pgbenchScale: 10,
        products: 500,
        customers: 32,
        quick: false
    )

    @Test("pgbench's summary is read: clients, transactions, failures, mean latency in µs, tps")
    func parsesSummary() throws {
        let output = try PgbenchOutput(parsing: Self.selectOnlyOutput)
        #expect(output.clients == 16)
        #expect(output.threads == 2)
        #expect(output.transactions == 370_571)
        #expect(output.failedTransactions == 0)
        #expect(abs(output.latencyAverageMicros - 431) < 1e-9)
        #expect(abs(output.transactionsPerSecond - 37_057.228893) < 1e-9)
    }

    @Test("a summary without tps, with an unreadable latency, or an error instead is refused by name")
    func refusesBadSummary() {
        let withoutTPS = Self.selectOnlyOutput.split(separator: "\n").dropLast().joined(separator: "\n")
        #expect(throws: BenchError.externalTool(tool: "pgbench", message: "no 'tps' in its output")) {
            try PgbenchOutput(parsing: withoutTPS)
        }
        let seconds = Self.selectOnlyOutput.replacingOccurrences(of: "0.431 ms", with: "0.431 s")
        #expect(throws: BenchError.externalTool(tool: "pgbench", message: "unreadable 'latency average': '0.431 s'")) {
            try PgbenchOutput(parsing: seconds)
        }
        let failed = """
            pgbench: error: connection to server on socket "/tmp/x/.s.PGSQL.5432" failed: FATAL:  database "pgbench" \
            does not exist
            pgbench: error: could not create connection for setup
            """
        #expect(throws: BenchError.self) { try PgbenchOutput(parsing: failed) }
    }

    @Test("the per-transaction log gives latencies in µs; failed and skipped transactions count as failures")
    func readsTransactionLog() throws {
        var tally = WorkerTally()
        let log = """
            0 1 900 0 1795768628 918529
            1 1 100 0 1795768628 918652
            2 1 300 0 1795768628 918738
            3 1 failed 0 1795768628 918800
            0 2 skipped 0 1795768628 918900
            """
        try PgbenchOutput.recordLog(log + "\n", into: &tally)
        #expect(tally.calls == 3)
        #expect(tally.failures == 2)
        #expect(abs(tally.percentiles.p50 - 300) < 1)
        #expect(abs(tally.percentiles.p99 - 900) < 1)
        #expect(throws: BenchError.self) { try PgbenchOutput.recordLog("0 1 900\n", into: &tally) }
        #expect(throws: BenchError.self) { try PgbenchOutput.recordLog("0 1 soon 0 1 2\n", into: &tally) }
    }

    @Test("rounds combine: tps over the time pgbench says the transactions took, mean latency by transactions")
    func combinesRounds() {
        func round(_ transactions: Int, _ tps: Double, _ latency: Double) -> PgbenchRound {
            var tally = WorkerTally()
            _ = tally.latencyNanoseconds.record(UInt64(latency * 1000))
            tally.calls = 1
            return PgbenchRound(
                output: Self.output(transactions: transactions, tps: tps, latencyMicros: latency),
                tally: tally,
                seconds: 10
            )
        }
        let result = PgbenchResult(script: .tpcb, rounds: [round(1000, 100, 100), round(3000, 300, 500)])
        #expect(result.transactions == 4000)
        #expect(result.seconds == 20)
        #expect(abs(result.transactionsPerSecond - 200) < 1e-9, "4,000 transactions in 10 s + 10 s")
        #expect(abs(result.latencyAverageMicros - 400) < 1e-9)
        #expect(result.clients == 16 && result.threads == 2)
    }

    @Test("postmaster.pid names the cluster's port and socket folder")
    func readsPostmasterPID() {
        let text = "4242\n/tmp/souk-shop-1/pg\n1795768628\n5432\n/tmp/souk-shop-1/pg\n\n  5432001    32768\nready\n"
        #expect(
            ClusterSocket(postmasterPID: text, user: "souk")
                == ClusterSocket(socketDirectory: "/tmp/souk-shop-1/pg", port: 5432, user: "souk")
        )
        #expect(ClusterSocket(postmasterPID: "4242\n/tmp/x\n", user: "souk") == nil)
        #expect(ClusterSocket(postmasterPID: "4242\n/tmp/x\n1\nport\n/tmp/x\n", user: "souk") == nil)
        #expect(ClusterSocket(postmasterPID: "4242\n/tmp/x\n1\n5432\n\n", user: "souk") == nil, "TCP only")
    }

    @Test("each operation is held to its share of pgbench's rate: 0.25× -S, 0.05× -S, 0.25× TPC-B")
    func targets() throws {
        let operations = [
            Self.operation(.lookup, rate: 10_000, p99: 4000),
            Self.operation(.search, rate: 1_000, p99: 20_000),
            Self.operation(.order, rate: 120, p99: 300_000),
        ]
        let pgbench = [Self.pgbench(.selectOnly, tps: 40_000, p99: 3000), Self.pgbench(.tpcb, tps: 500, p99: 90_000)]
        let checks = ShopTargets.evaluate(operations: operations, pgbench: pgbench)
        #expect(checks.count == 4)
        #expect(checks[0].value == 0.25 && checks[0].reached == true, "exactly the goal is reached")
        #expect(checks[0].goal == "≥ 0.25×")
        #expect(checks[1].value == 0.025 && checks[1].reached == false)
        #expect(checks[1].shown == "0.025×", "small ratios keep three decimals")
        #expect(checks[1].goal == "≥ 0.05×")
        #expect(checks[2].value == 0.24 && checks[2].reached == false)
        #expect(checks[2].name.contains("pgbench TPC-B-like"))
        #expect(checks[2].detail.contains("p99 300.0 ms vs 90.0 ms"), "\(checks[2].detail)")
        #expect(checks[3].reached == nil && checks[3].detail == "not measured in this run", "no C client rows")
    }

    @Test("driven by the C client, GetProduct is held to 0.5× pgbench -S; its search has no target")
    func cClientTargets() throws {
        let pgbench = [Self.pgbench(.selectOnly, tps: 40_000, p99: 3000)]
        func cLookup(_ rate: Double) -> TargetCheck? {
            let operations = [
                Self.operation(.lookup, rate: 10_000, p99: 4000),
                Self.operation(.lookup, .c, rate: rate, p99: 2000),
                Self.operation(.search, .c, rate: 100, p99: 90_000),
            ]
            return ShopTargets.evaluate(operations: operations, pgbench: pgbench)
                .first { $0.name.hasPrefix("product lookup (GetProduct), C client") }
        }
        let reached = try #require(cLookup(20_000))
        #expect(reached.name == "product lookup (GetProduct), C client calls/s ÷ pgbench -S (select-only) tps")
        #expect(reached.goal == "≥ 0.50×")
        #expect(reached.value == 0.5 && reached.reached == true, "exactly the goal is reached")
        let missed = try #require(cLookup(19_000))
        #expect(missed.value == 0.475 && missed.reached == false)
        #expect(missed.detail.contains("19,000 vs 40,000 per s"), "\(missed.detail)")
        let names = ShopTargets.evaluate(operations: [], pgbench: pgbench).map(\.name)
        #expect(!names.contains { $0.contains("search page (SearchProducts, 20), C client") })
        #expect(names.filter { $0.contains("C client") }.count == 1)
        // The Swift client's lookup keeps its own row and target, unaffected by the C client's.
        let swift = ShopTargets.evaluate(
            operations: [
                Self.operation(.lookup, rate: 10_000, p99: 4000), Self.operation(.lookup, .c, rate: 1, p99: 1),
            ],
            pgbench: pgbench
        )
        #expect(swift[0].value == 0.25 && swift[0].reached == true)
    }

    @Test("a failed operation or a missing pgbench script is not measured, never reached")
    func targetsNotMeasured() {
        let operations = [
            Self.operation(.lookup, rate: 10_000, p99: 4000),
            Self.operation(.search, rate: 0, p99: 0, failure: "unavailable: connection closed"),
            Self.operation(.order, rate: 120, p99: 300_000),
        ]
        let checks = ShopTargets.evaluate(
            operations: operations,
            pgbench: [Self.pgbench(.selectOnly, tps: 40_000, p99: 3000)]
        )
        #expect(checks[0].reached == true)
        #expect(checks[1].reached == nil && checks[1].value == nil)
        #expect(checks[1].detail == "not measured: unavailable: connection closed")
        #expect(checks[2].reached == nil && checks[2].detail == "pgbench TPC-B-like not measured")
        #expect(ShopTargets.evaluate(operations: [], pgbench: []).allSatisfy { $0.reached == nil })
    }

    @Test("the report round-trips through JSON; the summary shows the figures, targets and failures")
    func reportAndSummary() throws {
        let report = ShopReport(
            startedAt: "2026-11-27T09:00:00Z",
            machine: .current(),
            plan: Self.plan,
            operations: [
                Self.operation(.lookup, rate: 12_000, p99: 4000),
                Self.operation(.search, rate: 2_500, p99: 20_000),
                Self.operation(.order, rate: 0, p99: 0, failure: "unimplemented: being built"),
                Self.operation(.lookup, .c, rate: 22_000, p99: 2500),
                Self.operation(.search, .c, rate: 0, p99: 0, failure: "C client: exit 30: UNAVAILABLE"),
            ],
            pgbench: [Self.pgbench(.selectOnly, tps: 40_000, p99: 3000), Self.pgbench(.tpcb, tps: 500, p99: 90_000)],
            notes: ["a note"]
        )
        let data = try JSONEncoder().encode(report)
        let decoded = try JSONDecoder().decode(ShopReport.self, from: data)
        #expect(decoded.operations == report.operations)
        #expect(decoded.pgbench == report.pgbench)
        #expect(decoded.targets == report.targets)
        #expect(
            report.failures.map(\.label) == [
                "place order (SetCartLine + PlaceOrder)", "search page (SearchProducts, 20), C client",
            ]
        )
        #expect(decoded.notes == ["a note"])
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let operations = try #require(json["operations"] as? [[String: Any]])
        #expect(
            operations.compactMap { $0["operation"] as? String } == [
                "product-lookup", "search-page", "place-order", "product-lookup", "search-page",
            ]
        )
        #expect(
            operations.compactMap { $0["driver"] as? String } == [
                "swift-client", "swift-client", "swift-client", "c-client", "c-client",
            ]
        )
        #expect(operations[0]["callsPerSecond"] as? Double == 12_000)

        let markdown = ShopSummary.markdown(report)
        #expect(markdown.contains("| product lookup (GetProduct) | 12,000 | 1333 µs |"))
        #expect(markdown.contains("| pgbench TPC-B-like | 500 |"))
        #expect(markdown.contains("| 0.30× | 12,000 vs 40,000 per s; p99 4000 µs vs 3000 µs | reached |"))
        #expect(markdown.contains("**place order (SetCartLine + PlaceOrder) failed**: unimplemented: being built"))
        #expect(markdown.contains("| product lookup (GetProduct), C client | 22,000 | 833 µs |"))
        #expect(markdown.contains("| search page (SearchProducts, 20), C client | failed |"))
        #expect(markdown.contains("| 0.55× | 22,000 vs 40,000 per s; p99 2500 µs vs 3000 µs | reached |"))
        #expect(markdown.contains("Left out: a note"))
        let terminal = ShopSummary.terminal(report)
        #expect(terminal.contains("FAILED place order (SetCartLine + PlaceOrder): unimplemented: being built"))
        #expect(terminal.contains("n/a     place order"))
        #expect(terminal.contains("FAILED search page (SearchProducts, 20), C client: C client: exit 30: UNAVAILABLE"))
        #expect(terminal.contains("Left out: a note"))
    }

    @Test("seeded through the typed client, every operation answers correctly under the closed loop")
    func seedAndLoad() async throws {
        // Checkout pays through the sandbox's local Stripe.
        let sandbox: @Sendable (inout HostConfig) -> Void = { $0.paymentsSandbox = true }
        try await IdentityHarness.with(wire: .swp, configure: sandbox) { harness in
            let email = "bench-admin@souk.example"
            let password = try await harness.bootstrap(email: email)
            let seeder = ShopSeeder(client: harness.client)
            let fixture = try await seeder.seed(
                admin: (email, password),
                products: 12,
                customers: 4,
                progress: { _ in }
            )
            #expect(fixture.productIDs.count == 12)
            #expect(fixture.skus.count == 24)
            #expect(fixture.customers.count == 4)
            #expect(fixture.searchWords.contains("mug"), "\(fixture.searchWords)")
            let load = ShopLoad(client: harness.client, fixture: fixture, inFlight: 2)
            for operation in ShopOperation.allCases {
                // A fixed number of calls, not a time window: a busy machine makes this slower, never wrong.
                let outcome = try await LoadRunner.run(
                    inFlight: 2,
                    length: .calls(perWorker: 3),
                    server: nil,
                    call: load.call(operation)
                )
                #expect(outcome.tally.calls == 6, "\(operation)")
            }
            let again = try await seeder.login(fixture.customers)
            #expect(again.map(\.email) == fixture.customers.map(\.email))
            try await Self.cClientLoads(fixture, harness: harness)
        }
    }

    /// `clients/c/build/swp-call`, when `make -C clients/c` has built it.
    static var cClient: String? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("clients/c/build/swp-call").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// The C client's lookups and searches against the harness, from request files written from `fixture`: every
    /// call must end OK (the C client fails the run otherwise). Skipped without a built C client.
    static func cClientLoads(_ fixture: ShopFixture, harness: IdentityHarness) async throws {
        guard let program = Self.cClient else { return }
        let endpoint = ServerEndpoint(
            host: "127.0.0.1",
            swpPort: harness.info.swpPort,
            grpcPort: harness.info.grpcPort,
            certificateAuthority: harness.info.certificateAuthorityPath
        )
        try await withTemporaryDirectory { folder in
            for operation in ShopDriver.c.operations {
                let (path, file) = try #require(try ShopRequestFile.load(for: operation, fixture: fixture))
                let requestFile = "\(folder)/\(operation.rawValue).requests"
                try file.write(to: URL(fileURLWithPath: requestFile))
                // A short window, no assertion on speed: a busy machine makes fewer calls, never failed ones.
                let summary = try await ExternalLoad(cClient: program, floor: nil).measureCClient(
                    raw: ExternalLoad.RawLoad(path: path, requestFile: requestFile, inFlight: 2, seed: 1),
                    endpoint: endpoint,
                    warmup: .zero,
                    // A generous window: at least one call must end in it even on a busy machine.
                    measure: .seconds(5),
                    server: ProcessCPU.current
                )
                #expect(summary.path == path)
                #expect(summary.calls > 0, "\(operation)")
            }
            #expect(
                ShopDriver.c.operations.allSatisfy { (try? ShopRequestFile.load(for: $0, fixture: fixture)) != nil }
            )
            #expect(try ShopRequestFile.load(for: .order, fixture: fixture) == nil)
        }
    }
}

import ArgumentParser
import Foundation
import SoukBench

#if canImport(Glibc)
import Glibc
#endif

/// `souk-bench shop`: the shop over SWP against PostgreSQL itself (pgbench) on the same cluster, same run.
struct ShopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shop",
        abstract:
            "Measure product lookup, search, ordering and checkout over SWP against pgbench on the same PostgreSQL.",
        discussion: """
            Starts the soukd built next to souk-bench with the catalog, identity and payments services (payments in \
            the sandbox) on its embedded PostgreSQL (a temporary data folder), loads pgbench's tables into the same \
            cluster, seeds the shop over SWP (admin, categories, products, stock, customers), then measures in \
            rounds: pgbench -S, GetProduct, SearchProducts, pgbench's TPC-B-like script, SetCartLine + PlaceOrder, \
            and checkout with payment (+ CreatePayment through the local Stripe); when the C client is built \
            (clients/c/build/swp-call, or --c-client), GetProduct and SearchProducts again, driven by it \
            (swp-call load --method raw) with the same in-flight count, warm-up and duration. Writes \
            bench/results/shop.json and shop.md. souk-bench's --quick (a small shop, 1 s warm-up and 2 s per \
            measurement, results in bench/results/quick), --warmup and --duration (whole seconds, rounded up; \
            defaults 2 and 10), --rounds (default 2), --soukd, --c-client, --output and --name (default shop) apply here too. \
            Build in release mode for figures worth quoting:
              swift build -c release --product soukd; swift build -c release --product souk-bench
              make -C clients/c
              .build/release/souk-bench shop
            """
    )

    /// souk-bench's own `--quick`, `--warmup`, `--duration`, `--rounds`, `--soukd`, `--c-client`, `--output` and `--name`,
    /// which apply to this mode too (a parent's flags are parsed wherever they appear).
    @ParentCommand var bench: BenchCommand

    @Option(name: .customLong("in-flight"), help: "Calls in flight over SWP, and pgbench's clients (-c).")
    var inFlight = 16

    @Option(help: "Published products to seed, two SKUs each (default 500; 100 with --quick).")
    var products: Int?

    @Option(help: "Customers for the order load, at least --in-flight (default twice --in-flight).")
    var customers: Int?

    @Option(name: .customLong("pgbench-scale"), help: "pgbench -i -s (default 10; 1 with --quick).")
    var pgbenchScale: Int?

    @Option(help: "The pgbench binary (default: next to the PostgreSQL server the embedded cluster uses).")
    var pgbench: String?

    func validate() throws {
        if !(1...1000).contains(self.inFlight) { throw ValidationError("--in-flight must be 1…1000") }
        if let products, !(1...100_000).contains(products) { throw ValidationError("--products must be 1…100000") }
        if let customers, !(self.inFlight...10_000).contains(customers) {
            throw ValidationError("--customers must be at least --in-flight (\(self.inFlight)) and at most 10000")
        }
        if let pgbenchScale, !(1...1000).contains(pgbenchScale) {
            throw ValidationError("--pgbench-scale must be 1…1000")
        }
    }

    func run() async throws {
        let quick = self.bench.quick
        let plan = ShopPlan(
            soukd: self.bench.soukd ?? Self.sibling("soukd"),
            pgbench: self.pgbench ?? Pgbench.locate() ?? "pgbench (not found in /usr/lib/postgresql/*/bin)",
            // pgbench's -T takes whole seconds: both sides measure for the same whole number.
            warmupSeconds: self.bench.warmup.map { Int($0.rounded(.up)) } ?? (quick ? 1 : 2),
            measureSeconds: self.bench.duration.map { max(1, Int($0.rounded(.up))) } ?? (quick ? 2 : 10),
            rounds: self.bench.rounds ?? (quick ? 1 : 2),
            inFlight: self.inFlight,
            pgbenchScale: self.pgbenchScale ?? (quick ? 1 : 10),
            products: self.products ?? (quick ? 100 : 500),
            customers: self.customers ?? self.inFlight * 2,
            quick: quick,
            cClient: BenchCommand.existing(self.bench.cClient, default: "clients/c/build/swp-call")
        )
        let stderrIsTerminal = isatty(2) == 1
        let progress: @Sendable (String) -> Void = { line in
            let text = stderrIsTerminal ? "\r\u{1B}[2K\(line)" : "\(line)\n"
            FileHandle.standardError.write(Data(text.utf8))
        }
        let clearProgress = {
            if stderrIsTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        }
        let report: ShopReport
        do {
            report = try await ShopRun(plan: plan).run(progress: progress)
        } catch {
            clearProgress()
            FileHandle.standardError.write(Data("souk-bench shop: \(error)\nno figures were written.\n".utf8))
            throw ExitCode(1)
        }
        clearProgress()
        print(ShopSummary.terminal(report))
        let folder = self.bench.output ?? (quick ? "bench/results/quick" : "bench/results")
        // The matrix's default name would overwrite its results: the shop's default is its own.
        let name = self.bench.name == "latest" ? "shop" : self.bench.name
        try ShopResultFiles(folder: folder, name: name).write(report)
        print("\nwrote \(folder)/\(name).json and .md")
        if !report.failures.isEmpty {
            let causes = report.failures.map { "\($0.label): \($0.cause)" }.joined(separator: "; ")
            FileHandle.standardError.write(
                Data("souk-bench shop: not measured: \(causes) (the other figures were written)\n".utf8)
            )
            throw ExitCode(1)
        }
    }

    /// A program next to this executable.
    private static func sibling(_ name: String) -> String {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent(name).path
    }
}

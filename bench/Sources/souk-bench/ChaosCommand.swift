import ArgumentParser
import Foundation
import SoukBench

#if canImport(Glibc)
import Glibc
#endif

/// `souk-bench chaos`: orders through soukd kills and a PostgreSQL restart, then a soak (issue 17's figures).
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Crash soukd and restart PostgreSQL under load, then soak; count every order and measure drift.",
        discussion: """
            Three phases, each on a soukd of its own (identity and catalog over SWP with TLS), run in order:
              crash    customers place orders, retrying with the same idempotency key when a call goes unanswered, \
            while soukd is killed with SIGKILL at seeded random points and started again on the same embedded \
            PostgreSQL; then every order is read back: acknowledged, found, duplicated, lost, unasked, one \
            order.placed event each, stock exact.
              restart  the same load on a throwaway PostgreSQL cluster that is stopped (pg_ctl stop -m fast) once a \
            third of the orders are in and started again: calls refused while it is away, the longest unanswered \
            call, the time from its start to the next order, health as it changed.
              soak     load without a pause; soukd's resident memory, descriptors and PostgreSQL connections at the \
            end of the warm-up and at the end (bounds: +10 %, +8, +2).
            Writes bench/results/chaos.json and chaos.md (bench/results/quick with --quick) and exits 1 if an order \
            is lost or duplicated, a check fails or a drift exceeds its bound. souk-bench's --quick (200 orders \
            and 2 kills, 160 restart orders, 65 s warm-up and 20 s soak: about three minutes), --soukd, --output and \
            --name apply here too.
            """
    )

    /// souk-bench's own `--quick`, `--soukd`, `--output` and `--name`.
    @ParentCommand var bench: BenchCommand

    @Option(help: "Phases to run: all, or some of crash, restart, soak, comma-separated.")
    var phase = "all"

    @Option(help: "Crash phase: orders to place (default 1000; 200 with --quick).")
    var orders: Int?

    @Option(help: "Crash phase: SIGKILLs of soukd (default 3; 2 with --quick).")
    var kills: Int?

    @Option(help: "Customers ordering at once (default 8 in crash and restart, 6 in soak).")
    var customers: Int?

    @Option(
        name: .customLong("restart-orders"),
        help: "Restart phase: orders to place (default 400; 160 with --quick)."
    )
    var restartOrders: Int?

    @Option(
        name: .customLong("warmup-seconds"),
        help: "Soak phase: seconds of load before the first reading (default 80; 65 with --quick)."
    )
    var warmupSeconds: Int?

    @Option(
        name: .customLong("soak-seconds"),
        help: "Soak phase: seconds between the readings (default 60; 20 with --quick)."
    )
    var soakSeconds: Int?

    @Option(help: "Seed of the kill points (default: random, printed).")
    var seed: UInt64?

    func validate() throws {
        do {
            try self.plan().validate()
        } catch let error as BenchError {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let plan = try self.plan()
        let stderrIsTerminal = isatty(2) == 1
        let progress: @Sendable (String) -> Void = { line in
            let text = stderrIsTerminal ? "\r\u{1B}[2K\(line)" : "\(line)\n"
            FileHandle.standardError.write(Data(text.utf8))
        }
        // On standard error at once, so a run that hangs or crashes still shows its seed.
        let phases = plan.phases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("souk-bench chaos: phases \(phases); seed \(plan.seed)\n".utf8))
        var report = await ChaosRun(plan: plan).run(progress: progress)
        #if DEBUG
        report.build = "debug"
        #else
        report.build = "release"
        #endif
        if stderrIsTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        print(ChaosSummary.terminal(report))
        let folder = self.bench.output ?? (plan.quick ? "bench/results/quick" : "bench/results")
        let name = self.bench.name == "latest" ? "chaos" : self.bench.name
        try ChaosResultFiles(folder: folder, name: name).write(report)
        print("\nwrote \(folder)/\(name).json and .md")
        if !report.problems.isEmpty { throw ExitCode(1) }
    }

    /// The plan from the flags; the seed is drawn once, so validation and the run agree.
    private func plan() throws -> ChaosPlan {
        let quick = self.bench.quick
        var plan = ChaosPlan.defaults(
            quick: quick,
            soukd: self.bench.soukd ?? Self.sibling("soukd"),
            seed: self.seed ?? Self.randomSeed
        )
        do {
            plan.phases = try ChaosPlan.phases(self.phase)
        } catch let error as BenchError {
            throw ValidationError(error.description)
        }
        if let orders { plan.crash.orders = orders }
        if let kills { plan.crash.kills = kills }
        if let customers {
            plan.crash.customers = customers
            plan.restart.customers = customers
            plan.soak.customers = customers
        }
        if let restartOrders { plan.restart.orders = restartOrders }
        if let warmupSeconds { plan.soak.warmupSeconds = warmupSeconds }
        if let soakSeconds { plan.soak.seconds = soakSeconds }
        return plan
    }

    /// Drawn once per process.
    private static let randomSeed = UInt64.random(in: 1...UInt64(UInt32.max))

    /// A program next to this executable.
    private static func sibling(_ name: String) -> String {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent(name).path
    }
}

import ArgumentParser
import Foundation
import SoukBench

#if canImport(Glibc)
import Glibc
#endif

/// souk-bench: measures SWP against gRPC/HTTP2, GRPCCore's in-process ceiling and the machine's floor.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "souk-bench",
        abstract: "Measure SWP against gRPC/HTTP2, the in-process ceiling and the C floor, side by side.",
        discussion: """
            By default souk-bench starts the soukd built next to it (TLS and, for plaintext scenarios, a second \
            one), runs every scenario over every wire in interleaved rounds, and writes JSON, Markdown and an SVG \
            chart to bench/results. Build in release mode for figures worth quoting:
              swift build -c release --product soukd; swift build -c release --product souk-bench
              make -C clients/c; make -C bench/floor
              .build/release/souk-bench
            """,
        subcommands: [ShopCommand.self, ChaosCommand.self]
    )

    @Flag(help: "CI smoke run: a few short scenarios, one round, no soak; results go to bench/results/quick.")
    var quick = false

    @Option(help: "Seconds of warm-up per wire per round.")
    var warmup: Double?

    @Option(help: "Seconds measured per wire per round.")
    var duration: Double?

    @Option(help: "Rounds per scenario; the wires alternate within each round.")
    var rounds: Int?

    @Option(name: .customLong("scenario"), help: "Run only scenarios whose name contains this text (repeatable).")
    var scenarioFilters: [String] = []

    @Option(help: "Wires to run, comma-separated: swp, http2, in-process, swp-c, floor.")
    var wires = BenchWire.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "The soukd binary to start (default: the one next to souk-bench).")
    var soukd: String?

    @Option(help: "Use a running soukd's SWP listener (HOST:PORT) instead of starting one; needs --grpc.")
    var swp: String?

    @Option(help: "The running soukd's gRPC/HTTP2 listener (HOST:PORT).")
    var grpc: String?

    @Option(help: "CA certificate (PEM) the running soukd's certificate is signed by.")
    var ca: String?

    @Flag(help: "The running soukd serves without TLS.")
    var plaintext = false

    @Option(name: .customLong("c-client"), help: "The C client (default clients/c/build/swp-call, when built).")
    var cClient: String?

    @Option(help: "The floor program (default bench/floor/floor, when built).")
    var floor: String?

    @Option(help: "Echo calls of the server memory soak (0: none; default 1000000, none with --quick).")
    var soakCalls: Int?

    @Option(help: "Folder for the results (default bench/results, or bench/results/quick with --quick).")
    var output: String?

    @Option(help: "Base name of the result files.")
    var name = "latest"

    func validate() throws {
        for (value, flag) in [(self.warmup, "--warmup"), (self.duration, "--duration")] {
            if let value, !(value >= 0 && value <= 3600) { throw ValidationError("\(flag) must be 0…3600 seconds") }
        }
        if let duration, duration <= 0 { throw ValidationError("--duration must be more than 0 seconds") }
        if let rounds, !(1...100).contains(rounds) { throw ValidationError("--rounds must be 1…100") }
        if let soakCalls, soakCalls < 0 { throw ValidationError("--soak-calls must not be negative") }
        if (self.swp == nil) != (self.grpc == nil) { throw ValidationError("--swp and --grpc go together") }
        if self.swp != nil, self.ca == nil, !self.plaintext {
            throw ValidationError("a running soukd needs --ca PATH (TLS) or --plaintext")
        }
        _ = try self.selectedWires()
        _ = try self.selectedScenarios()
    }

    func run() async throws {
        let plan = try self.plan()
        let stderrIsTerminal = isatty(2) == 1
        let progress: @Sendable (String) -> Void = { line in
            if stderrIsTerminal {
                FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
            } else {
                FileHandle.standardError.write(Data("\(line)\n".utf8))
            }
        }
        let clearProgress: @Sendable () -> Void = {
            if stderrIsTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        }
        print(TerminalTable.header)
        let report: BenchReport
        do {
            report = try await BenchRun(plan: plan).run(progress: progress) { measurements in
                clearProgress()
                print(TerminalTable.rows(measurements))
            }
        } catch {
            clearProgress()
            FileHandle.standardError.write(Data("souk-bench: \(error)\nno figures were written.\n".utf8))
            throw ExitCode(1)
        }
        clearProgress()
        if let soak = report.soak {
            print("── memory soak: \(Format.mebibytes(soak.baselineBytes)) → \(Format.mebibytes(soak.finalBytes))")
        }
        print("")
        print(TerminalTable.targets(report.targets))
        let folder = self.output ?? (self.quick ? "bench/results/quick" : "bench/results")
        try ResultFiles(folder: folder, name: self.name).write(report)
        print("\nwrote \(folder)/\(self.name).json, .md and .svg")
    }

    private func plan() throws -> BenchPlan {
        let timing = BenchTiming(
            warmup: .milliseconds(Int((self.warmup ?? (self.quick ? 0.3 : 1)) * 1000)),
            measure: .milliseconds(Int((self.duration ?? (self.quick ? 1 : 2)) * 1000)),
            rounds: self.rounds ?? (self.quick ? 1 : 2)
        )
        let server: BenchPlan.ServerSource
        if let swp = self.swp, let grpc = self.grpc {
            let (host, swpPort) = try Self.hostAndPort(swp, flag: "--swp")
            let (_, grpcPort) = try Self.hostAndPort(grpc, flag: "--grpc")
            server = .external(
                ServerEndpoint(
                    host: host,
                    swpPort: swpPort,
                    grpcPort: grpcPort,
                    certificateAuthority: self.plaintext ? nil : self.ca
                )
            )
        } else {
            server = .spawn(soukd: self.soukd ?? Self.sibling("soukd"))
        }
        let external = ExternalLoad(
            cClient: Self.existing(self.cClient, default: "clients/c/build/swp-call"),
            floor: Self.existing(self.floor, default: "bench/floor/floor")
        )
        return BenchPlan(
            scenarios: try self.selectedScenarios(),
            wires: try self.selectedWires(),
            timing: timing,
            soakCalls: self.soakCalls ?? (self.quick ? 0 : 1_000_000),
            server: server,
            external: external,
            quick: self.quick
        )
    }

    private func selectedWires() throws -> [BenchWire] {
        try self.wires.split(separator: ",").map { name in
            guard let wire = BenchWire(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError(
                    "unknown wire '\(name)'; choose from \(BenchWire.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            return wire
        }
        .sorted()
    }

    private func selectedScenarios() throws -> [Scenario] {
        let matrix = self.quick ? Scenario.quickMatrix : Scenario.fullMatrix
        let chosen =
            self.scenarioFilters.isEmpty
            ? matrix : matrix.filter { scenario in self.scenarioFilters.contains { scenario.name.contains($0) } }
        guard !chosen.isEmpty else {
            throw ValidationError("no scenario matches; scenarios are: \(matrix.map(\.name).joined(separator: "; "))")
        }
        return chosen
    }

    private static func hostAndPort(_ text: String, flag: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else {
            throw ValidationError("\(flag) must be HOST:PORT, not '\(text)'")
        }
        return (String(text[..<colon]), port)
    }

    /// A program next to this executable.
    private static func sibling(_ name: String) -> String {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// `explicit` if given (it must exist), else `fallback` when it exists, else nil.
    static func existing(_ explicit: String?, default fallback: String) -> String? {
        if let explicit { return explicit }
        return FileManager.default.isExecutableFile(atPath: fallback) ? fallback : nil
    }
}

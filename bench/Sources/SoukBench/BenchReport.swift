import Foundation

/// Everything one run measured, as written to `bench/results/*.json`.
package struct BenchReport: Sendable, Codable {
    /// When the run started (ISO 8601, UTC).
    package var startedAt: String
    /// What it ran on.
    package var machine: MachineInfo
    /// Whether this was the `--quick` smoke run (figures from it are not comparable).
    package var quick: Bool
    package var warmupSeconds: Double
    package var measureSeconds: Double
    package var rounds: Int
    package var measurements: [WireResult]
    /// Scenarios not run, and why (an external server of the other security, say).
    package var skipped: [String]
    package var soak: SoakResult?
    package var targets: [TargetCheck]

    package init(
        startedAt: String,
        machine: MachineInfo,
        quick: Bool,
        timing: BenchTiming,
        measurements: [WireResult],
        skipped: [String],
        soak: SoakResult?
    ) {
        self.startedAt = startedAt
        self.machine = machine
        self.quick = quick
        self.warmupSeconds = timing.warmup.seconds
        self.measureSeconds = timing.measure.seconds
        self.rounds = timing.rounds
        self.measurements = measurements
        self.skipped = skipped
        self.soak = soak
        self.targets = TargetCheck.evaluate(measurements: measurements, soak: soak)
    }

    /// The measurement of `wire` in the scenario matching `scenario`, if it ran.
    package func measurement(_ scenario: Scenario, _ wire: BenchWire) -> WireResult? {
        self.measurements.first { $0.scenario == scenario && $0.wire == wire }
    }
}

/// The server's memory over a long run of calls.
package struct SoakResult: Sendable, Codable, Hashable {
    package var calls: Int
    package var inFlight: Int
    /// Resident memory after the warm-up (the first tenth of the calls).
    package var baselineBytes: Int
    /// Resident memory at the end.
    package var finalBytes: Int
    package var samples: [SoakSample]

    /// Growth after the warm-up, as a fraction of the baseline.
    package var growth: Double {
        self.baselineBytes > 0 ? Double(self.finalBytes - self.baselineBytes) / Double(self.baselineBytes) : 0
    }

    package init(calls: Int, inFlight: Int, samples: [SoakSample]) {
        self.calls = calls
        self.inFlight = inFlight
        self.samples = samples
        let baseline = samples.first { $0.calls >= calls / 10 } ?? samples.first
        self.baselineBytes = baseline?.residentBytes ?? 0
        self.finalBytes = samples.last?.residentBytes ?? 0
    }
}

/// The machine a run measured: figures only compare within one machine.
package struct MachineInfo: Sendable, Codable, Hashable {
    package var cores: Int
    package var cpuModel: String
    package var kernel: String
    package var memoryBytes: UInt64

    /// Reads this machine's description.
    package static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let kernel = (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "unknown"
        return MachineInfo(
            cores: ProcessInfo.processInfo.activeProcessorCount,
            cpuModel: model,
            kernel: kernel.trimmingCharacters(in: .whitespacesAndNewlines),
            memoryBytes: ProcessInfo.processInfo.physicalMemory
        )
    }
}

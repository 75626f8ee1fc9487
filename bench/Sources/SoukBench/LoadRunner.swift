import Histogram

/// One call of a closed loop: runs a whole RPC and counts the messages it carried through `counter`.
package typealias BenchCall = @Sendable (_ worker: Int, _ counter: inout MessageCounter) async throws -> Void

/// Counts messages as they arrive, but only inside the measurement window.
package struct MessageCounter: Sendable {
    /// The window messages are counted in.
    package let window: MeasurementWindow
    /// Messages counted.
    package private(set) var messages = 0
    /// Payload bytes counted.
    package private(set) var payloadBytes = 0

    package init(window: MeasurementWindow) {
        self.window = window
    }

    /// Counts `messages` messages of `bytes` payload bytes in all, if now is inside the window.
    package mutating func count(messages: Int, bytes: Int) {
        guard self.window.contains(ContinuousClock.now) else { return }
        self.messages += messages
        self.payloadBytes += bytes
    }

    /// Adds what another counter counted.
    package mutating func add(_ other: MessageCounter) {
        self.messages += other.messages
        self.payloadBytes += other.payloadBytes
    }
}

/// How long a scenario warms up and then measures, per round.
package struct BenchTiming: Sendable, Codable, Hashable {
    /// Calls run but are not counted for this long first.
    package var warmup: Duration
    /// Then calls are counted for this long.
    package var measure: Duration
    /// Rounds per scenario; the wires alternate within each round (A/B/A/B).
    package var rounds: Int

    package init(warmup: Duration, measure: Duration, rounds: Int) {
        self.warmup = warmup
        self.measure = measure
        self.rounds = rounds
    }
}

/// What one closed-loop run produced: the merged tally and the CPU used inside the window.
package struct LoadOutcome: Sendable {
    package var tally: WorkerTally
    package var seconds: Double
    package var clientCPUSeconds: Double
    package var serverCPUSeconds: Double?
}

/// How long a closed loop runs: for a time (benchmarks), or for a fixed number of calls per worker (tests, so
/// that a busy machine changes how long a run takes, never what it counts).
package enum LoadLength: Sendable, Hashable {
    /// Calls run uncounted for `warmup`, then are counted for `measure`.
    case timed(warmup: Duration, measure: Duration)
    /// Every worker runs exactly `perWorker` calls, all counted.
    case calls(perWorker: Int)
}

/// Drives a closed loop: `inFlight` workers each run one call after another, for the warm-up and then the
/// measurement window; calls that end inside the window are counted.
///
/// A failing call stops every worker at once: a figure is never built on errors (``BenchError/callsFailed``).
package enum LoadRunner {
    /// Runs the loop for a warm-up and a measurement window; see ``run(inFlight:length:server:call:)``.
    package static func run(
        inFlight: Int,
        warmup: Duration,
        measure: Duration,
        server: ProcessCPU?,
        call: @escaping BenchCall
    ) async throws -> LoadOutcome {
        try await Self.run(
            inFlight: inFlight,
            length: .timed(warmup: warmup, measure: measure),
            server: server,
            call: call
        )
    }

    /// Runs the loop and returns what was counted; CPU of this process and of `server` is sampled at the
    /// window's edges.
    package static func run(
        inFlight: Int,
        length: LoadLength,
        server: ProcessCPU?,
        call: @escaping BenchCall
    ) async throws -> LoadOutcome {
        switch length {
        case .timed(let warmup, let measure):
            let start = ContinuousClock.now + warmup
            let window = MeasurementWindow(start: start, end: start + measure)
            let cpu = Task { () -> CPUReading in
                try? await Task.sleep(until: window.start)
                let before = CPUReading(server: server)
                try? await Task.sleep(until: window.end)
                return CPUReading(server: server).minus(before)
            }
            defer { cpu.cancel() }
            let tally = try await Self.workers(inFlight, window: window, callsPerWorker: nil, call: call)
            let used = await cpu.value
            return LoadOutcome(
                tally: tally,
                seconds: measure.seconds,
                clientCPUSeconds: used.client,
                serverCPUSeconds: used.server
            )
        case .calls(let perWorker):
            let start = ContinuousClock.now
            // The window is only there to count every call: a run of fixed length ends when its calls are done.
            let window = MeasurementWindow(start: start, end: start + .seconds(365 * 24 * 3600))
            let before = CPUReading(server: server)
            let tally = try await Self.workers(inFlight, window: window, callsPerWorker: perWorker, call: call)
            let used = CPUReading(server: server).minus(before)
            return LoadOutcome(
                tally: tally,
                seconds: (ContinuousClock.now - start).seconds,
                clientCPUSeconds: used.client,
                serverCPUSeconds: used.server
            )
        }
    }

    private static func workers(
        _ inFlight: Int,
        window: MeasurementWindow,
        callsPerWorker: Int?,
        call: @escaping BenchCall
    ) async throws -> WorkerTally {
        var merged = WorkerTally()
        await withTaskGroup(of: WorkerTally.self) { group in
            for worker in 0..<inFlight {
                group.addTask {
                    await Self.work(worker: worker, window: window, callLimit: callsPerWorker, call: call)
                }
            }
            for await tally in group {
                merged.merge(tally)
                if tally.failures > 0 { group.cancelAll() }
            }
        }
        if merged.failures > 0 {
            throw BenchError.callsFailed(
                failed: merged.failures,
                completed: merged.calls,
                cause: merged.firstFailure ?? "unknown"
            )
        }
        return merged
    }

    private static func work(
        worker: Int,
        window: MeasurementWindow,
        callLimit: Int?,
        call: BenchCall
    ) async -> WorkerTally {
        var tally = WorkerTally()
        var counter = MessageCounter(window: window)
        var made = 0
        while !Task.isCancelled {
            if let callLimit, made >= callLimit { break }
            let begin = ContinuousClock.now
            if begin >= window.end { break }
            made += 1
            do {
                try await call(worker, &counter)
            } catch {
                tally.failures += 1
                tally.firstFailure = BenchError.describe(error)
                break
            }
            let finish = ContinuousClock.now
            if window.contains(finish) {
                tally.calls += 1
                _ = tally.latencyNanoseconds.record(UInt64((finish - begin).nanoseconds))
            }
        }
        tally.messages = counter.messages
        tally.payloadBytes = counter.payloadBytes
        return tally
    }
}

/// CPU seconds this process (and a server process, when known) had used at one moment.
private struct CPUReading {
    var client: Double
    var server: Double?

    init(server: ProcessCPU?) {
        self.client = ProcessCPU.current.seconds() ?? 0
        self.server = server?.seconds()
    }

    private init(client: Double, server: Double?) {
        self.client = client
        self.server = server
    }

    /// What was used between `earlier` and this reading.
    func minus(_ earlier: CPUReading) -> CPUReading {
        let server = self.server.flatMap { after in earlier.server.map { after - $0 } }
        return CPUReading(client: self.client - earlier.client, server: server)
    }
}

extension Duration {
    /// The duration in whole nanoseconds (negative durations count as zero).
    package var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// The duration in seconds.
    package var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}

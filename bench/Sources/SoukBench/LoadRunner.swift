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

/// Drives a closed loop: `inFlight` workers each run one call after another, for the warm-up and then the
/// measurement window; calls that end inside the window are counted.
///
/// A failing call stops every worker at once: a figure is never built on errors (``BenchError/callsFailed``).
package enum LoadRunner {
    /// Runs the loop and returns what was counted; CPU of this process and of `server` is sampled at the
    /// window's edges.
    package static func run(
        inFlight: Int,
        warmup: Duration,
        measure: Duration,
        server: ProcessCPU?,
        call: @escaping BenchCall
    ) async throws -> LoadOutcome {
        let start = ContinuousClock.now + warmup
        let window = MeasurementWindow(start: start, end: start + measure)
        let cpu = Task { () -> (client: Double, server: Double?) in
            try? await Task.sleep(until: window.start)
            let clientBefore = ProcessCPU.current.seconds() ?? 0
            let serverBefore = server?.seconds()
            try? await Task.sleep(until: window.end)
            let client = (ProcessCPU.current.seconds() ?? 0) - clientBefore
            let serverUsed = server?.seconds().flatMap { after in serverBefore.map { after - $0 } } ?? nil
            return (client, serverUsed)
        }
        defer { cpu.cancel() }

        var merged = WorkerTally()
        await withTaskGroup(of: WorkerTally.self) { group in
            for worker in 0..<inFlight {
                group.addTask { await Self.work(worker: worker, window: window, call: call) }
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
        let used = await cpu.value
        return LoadOutcome(
            tally: merged,
            seconds: measure.seconds,
            clientCPUSeconds: used.client,
            serverCPUSeconds: used.server
        )
    }

    private static func work(worker: Int, window: MeasurementWindow, call: BenchCall) async -> WorkerTally {
        var tally = WorkerTally()
        var counter = MessageCounter(window: window)
        while !Task.isCancelled {
            let begin = ContinuousClock.now
            if begin >= window.end { break }
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

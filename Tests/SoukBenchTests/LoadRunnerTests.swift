import Histogram
import SoukBench
import Testing

@Suite("Closed-loop load")
struct LoadRunnerTests {
    static let scenario = Scenario(call: .unary, payloadBytes: 64, inFlight: 4)

    @Test("the in-process wire completes a fixed number of calls and counts each once")
    func inProcess() async throws {
        let outcome = try await SwiftWireLoad.measure(
            wire: .inProcess,
            scenario: Self.scenario,
            endpoint: ServerEndpoint(host: "127.0.0.1", swpPort: 1, grpcPort: 1, certificateAuthority: nil),
            length: .calls(perWorker: 25),
            server: nil
        )
        #expect(outcome.tally.calls == 4 * 25)
        #expect(outcome.tally.failures == 0)
        #expect(outcome.tally.messages == outcome.tally.calls)
        #expect(outcome.tally.payloadBytes == outcome.tally.calls * 64)
        #expect(outcome.tally.latencyNanoseconds.totalCount == UInt64(outcome.tally.calls))
        #expect(outcome.clientCPUSeconds > 0)
    }

    @Test("a failing call stops the run with the cause and the count, not a figure")
    func failureStopsTheRun() async throws {
        let error = await #expect(throws: BenchError.self) {
            _ = try await LoadRunner.run(inFlight: 3, warmup: .zero, measure: .seconds(30), server: nil) {
                worker,
                counter in
                if worker == 1 { throw BenchError.wrongAnswer("worker 1 broke") }
                try await Task.sleep(for: .milliseconds(1))
                counter.count(messages: 1, bytes: 1)
            }
        }
        guard case .callsFailed(let failed, _, let cause) = error else {
            Issue.record("expected callsFailed, got \(String(describing: error))")
            return
        }
        #expect(failed >= 1)
        #expect(cause.contains("worker 1 broke"))
    }

    @Test("a timed window counts only the calls that end inside it")
    func timedWindowCountsInside() async throws {
        // The calls take no time, so the only thing under test is the window's edge: nothing is counted after it.
        let outcome = try await LoadRunner.run(
            inFlight: 2,
            length: .timed(warmup: .zero, measure: .milliseconds(50)),
            server: nil
        ) { _, counter in
            counter.count(messages: 1, bytes: 8)
            await Task.yield()
        }
        #expect(outcome.tally.failures == 0)
        #expect(outcome.tally.messages <= outcome.tally.calls + 2)
        #expect(outcome.seconds == 0.05)
    }

    @Test("a counted run makes exactly the calls asked for, however slow each is")
    func countedRun() async throws {
        let outcome = try await LoadRunner.run(inFlight: 3, length: .calls(perWorker: 7), server: nil) { _, counter in
            counter.count(messages: 2, bytes: 10)
        }
        #expect(outcome.tally.calls == 21)
        #expect(outcome.tally.messages == 42)
        #expect(outcome.tally.payloadBytes == 210)
        #expect(outcome.tally.latencyNanoseconds.totalCount == 21)
    }

    @Test("nothing listening: the run stops naming the wire and the cause")
    func unreachable() async throws {
        let closed = ServerEndpoint(host: "127.0.0.1", swpPort: 9, grpcPort: 9, certificateAuthority: nil)
        for wire in [BenchWire.swp, .http2] {
            let error = await #expect(throws: BenchError.self) {
                _ = try await SwiftWireLoad.measure(
                    wire: wire,
                    scenario: Self.scenario,
                    endpoint: closed,
                    warmup: .zero,
                    measure: .milliseconds(100),
                    server: nil
                )
            }
            guard case .unreachable(let described, let cause) = error else {
                Issue.record("expected unreachable, got \(String(describing: error))")
                continue
            }
            #expect(described.contains("127.0.0.1:9"))
            #expect(cause.contains("unavailable"), "\(cause)")
        }
    }
}

import Foundation
import SoukProcess

extension ExternalLoad {
    /// A closed loop of one unary method driven by the C client: `swp-call load --method raw`.
    package struct RawLoad: Sendable, Hashable {
        /// The method, `/package.Service/Method`.
        package var path: String
        /// The request file (see ``ShopRequestFile``).
        package var requestFile: String
        /// Request metadata, `key:value` each (`-H`).
        package var metadata: [String]
        package var connections: Int
        package var inFlight: Int
        /// Requests picked at random from this seed; nil sends them in turn.
        package var seed: UInt64?
        /// Each call's deadline.
        package var timeout: Duration

        package init(
            path: String,
            requestFile: String,
            metadata: [String] = [],
            connections: Int = 1,
            inFlight: Int,
            seed: UInt64? = nil,
            timeout: Duration = .seconds(60)
        ) {
            self.path = path
            self.requestFile = requestFile
            self.metadata = metadata
            self.connections = connections
            self.inFlight = inFlight
            self.seed = seed
            self.timeout = timeout
        }

        /// `swp-call`'s arguments for this load against `endpoint`'s SWP listener.
        package func arguments(endpoint: ServerEndpoint, warmup: Duration, measure: Duration) -> [String] {
            var arguments = ["--host", endpoint.host, "--port", "\(endpoint.swpPort)"]
            if let authority = endpoint.certificateAuthority {
                arguments += ["--ca", authority]
            } else {
                arguments.append("--plaintext")
            }
            arguments += ["--timeout-ms", "\(Int(self.timeout.seconds * 1000))"]
            for entry in self.metadata {
                arguments += ["-H", entry]
            }
            arguments += [
                "load", "--method", "raw",
                "--path", self.path,
                "--request-file", self.requestFile,
                "--connections", "\(self.connections)",
                "--in-flight", "\(self.inFlight)",
                "--warmup-s", ExternalLoad.seconds(warmup),
                "--duration-s", ExternalLoad.seconds(measure),
            ]
            if let seed = self.seed { arguments += ["--seed", "\(seed)"] }
            return arguments
        }
    }

    /// Runs `load` with the C client against `endpoint`; soukd's CPU is read at the edges of the measured window.
    ///
    /// - Throws: ``BenchError/usage(_:)`` without a C client; what ``summary(status:output:tool:payloadBytes:)``
    ///   throws; ``BenchError/externalTool(tool:message:)`` when the client reports another method than asked.
    package func measureCClient(
        raw load: RawLoad,
        endpoint: ServerEndpoint,
        warmup: Duration,
        measure: Duration,
        server: ProcessCPU?
    ) async throws -> LoadOutcomeSummary {
        guard let program = self.cClient else { throw BenchError.usage("no C client") }
        // The client starts its warm-up as it starts (a few ms after this): sampling on this clock's edges charges
        // soukd the window's CPU, not the warm-up's.
        let start = ContinuousClock.now + warmup
        let serverCPU = Task { () -> Double? in
            try? await Task.sleep(until: start)
            let before = server?.seconds()
            try? await Task.sleep(until: start + measure)
            guard let before, let after = server?.seconds() else { return nil }
            return after - before
        }
        defer { serverCPU.cancel() }
        let arguments = load.arguments(endpoint: endpoint, warmup: warmup, measure: measure)
        var summary = try await Self.run(program, arguments, tool: "C client", payloadBytes: 0)
        guard summary.path == load.path else {
            throw BenchError.externalTool(
                tool: "C client",
                message: "asked for \(load.path), reported \(summary.path ?? "no path")"
            )
        }
        summary.serverCPUSeconds = await serverCPU.value
        return summary
    }
}

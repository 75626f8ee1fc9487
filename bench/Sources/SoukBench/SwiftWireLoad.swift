import GRPCCore
import GRPCInProcessTransport
import SoukClient
import SoukConformance
import SoukWire

/// Runs a scenario through the Swift client (`SoukClient`) over SWP or gRPC/HTTP2, or through GRPCCore's
/// in-process transport with the TestService in this process.
package enum SwiftWireLoad {
    /// Connects as `wire` says, checks the service answers, and runs the closed loop.
    ///
    /// - Parameter endpoint: the soukd to call (ignored for the in-process wire).
    /// - Parameter server: the soukd's process for CPU readings (nil in-process: the server's CPU is this
    ///   process's).
    /// - Parameter onReached: called once the service has answered, as the loop starts.
    package static func measure(
        wire: BenchWire,
        scenario: Scenario,
        endpoint: ServerEndpoint,
        warmup: Duration,
        measure: Duration,
        server: ProcessCPU?,
        onReached: @escaping @Sendable () -> Void = {}
    ) async throws -> LoadOutcome {
        try await Self.measure(
            wire: wire,
            scenario: scenario,
            endpoint: endpoint,
            length: .timed(warmup: warmup, measure: measure),
            server: server,
            onReached: onReached
        )
    }

    /// Connects as `wire` says, checks the service answers, calls `onReached`, and runs the closed loop for
    /// `length`.
    package static func measure(
        wire: BenchWire,
        scenario: Scenario,
        endpoint: ServerEndpoint,
        length: LoadLength,
        server: ProcessCPU?,
        onReached: @escaping @Sendable () -> Void = {}
    ) async throws -> LoadOutcome {
        let run = { (call: @escaping BenchCall) in
            onReached()
            return try await LoadRunner.run(inFlight: scenario.inFlight, length: length, server: server, call: call)
        }
        switch wire {
        case .swp:
            let config = Self.clientConfig(endpoint, port: endpoint.swpPort)
            let transports = (0..<scenario.connections).map { _ in
                SWPClientTransport(config: SoukConnection.wireConfig(for: config))
            }
            return try await Self.withClients(transports, scenario, describe: "SWP \(Self.address(config))", run)
        case .http2:
            let config = Self.clientConfig(endpoint, port: endpoint.grpcPort)
            let transports = try (0..<scenario.connections).map { _ in try SoukConnection.http2Transport(for: config) }
            return try await Self.withClients(transports, scenario, describe: "gRPC/HTTP2 \(Self.address(config))", run)
        case .inProcess:
            let inProcess = InProcessTransport()
            let server = GRPCServer(transport: inProcess.server, services: [TestService()])
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.serve() }
                defer { server.beginGracefulShutdown() }
                return try await Self.withClients([inProcess.client], scenario, describe: "in-process", run)
            }
        case .swpC, .floor:
            throw BenchError.usage("\(wire.label) is not a Swift wire")
        }
    }

    /// Soaks the server: echo calls over SWP until `calls` have completed, reading the server's resident memory
    /// after every chunk of `chunk`.
    package static func soak(
        calls: Int,
        inFlight: Int,
        endpoint: ServerEndpoint,
        server: ProcessCPU,
        progress: @Sendable (Int, Int?) -> Void
    ) async throws -> [SoakSample] {
        let scenario = Scenario(call: .unary, payloadBytes: 64, inFlight: inFlight, tls: endpoint.tls)
        let config = Self.clientConfig(endpoint, port: endpoint.swpPort)
        let transport = SWPClientTransport(config: SoukConnection.wireConfig(for: config))
        return try await Self.withClients([transport], scenario, describe: "SWP \(Self.address(config))") { call in
            var samples: [SoakSample] = []
            var done = 0
            while done < calls {
                let outcome = try await LoadRunner.run(
                    inFlight: inFlight,
                    warmup: .zero,
                    measure: .seconds(2),
                    server: server,
                    call: call
                )
                done += outcome.tally.calls
                let resident = server.residentBytes()
                samples.append(SoakSample(calls: done, residentBytes: resident ?? 0))
                progress(done, resident)
            }
            return samples
        }
    }

    private static func withClients<Transport: ClientTransport, Result: Sendable>(
        _ transports: [Transport],
        _ scenario: Scenario,
        describe: String,
        _ body: (@escaping BenchCall) async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let clients = transports.map { GRPCClient(transport: $0) }
            for client in clients {
                group.addTask { try await client.runConnections() }
            }
            defer { for client in clients { client.beginGracefulShutdown() } }
            let driver = TestServiceDriver(clients: clients, scenario: scenario)
            do {
                try await driver.probe()
            } catch {
                throw BenchError.unreachable(wire: describe, cause: BenchError.describe(error))
            }
            return try await body(driver.call)
        }
    }

    private static func clientConfig(_ endpoint: ServerEndpoint, port: Int) -> ClientConfig {
        let trust: ClientConfig.Trust =
            endpoint.certificateAuthority.map { .certificateAuthority(path: $0) } ?? .plaintext
        return ClientConfig(host: endpoint.host, port: port, trust: trust)
    }

    private static func address(_ config: ClientConfig) -> String {
        "\(config.host):\(config.port)"
    }
}

/// The server's resident memory after a number of soak calls.
package struct SoakSample: Sendable, Codable, Hashable {
    package var calls: Int
    package var residentBytes: Int

    package init(calls: Int, residentBytes: Int) {
        self.calls = calls
        self.residentBytes = residentBytes
    }
}

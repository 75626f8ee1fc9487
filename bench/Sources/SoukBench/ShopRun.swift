import Foundation
import SoukClient

/// Runs a ``ShopPlan``: starts soukd on its embedded PostgreSQL, loads pgbench's tables into the same cluster,
/// seeds the shop over SWP, then measures in rounds (pgbench `-S`, lookup, search, pgbench TPC-B, order, checkout,
/// so drift in the machine's state hits both sides alike) and returns the report. With the C client built, each
/// lookup and search by the Swift client is followed by the same operation driven by the C client.
///
/// pgbench failing, soukd not starting and seeding failing stop the run (nothing is reported). An operation
/// whose calls fail is not retried in later rounds; it is reported as failed with the cause, and the others
/// are still measured.
package struct ShopRun: Sendable {
    package let plan: ShopPlan

    /// The admin `soukd bootstrap-admin` creates.
    static let adminEmail = "bench-admin@souk.example"

    package init(plan: ShopPlan) {
        self.plan = plan
    }

    private enum Step {
        case pgbench(PgbenchScript)
        case operation(ShopOperation, ShopDriver)
    }

    private static let steps: [Step] = [
        .pgbench(.selectOnly), .operation(.lookup, .swift), .operation(.lookup, .c), .operation(.search, .swift),
        .operation(.search, .c), .pgbench(.tpcb), .operation(.order, .swift), .operation(.checkout, .swift),
    ]

    /// One row of the report: an operation driven by one client.
    private struct Row: Hashable {
        var operation: ShopOperation
        var driver: ShopDriver
    }

    /// Runs the plan; `progress` gets a line to show for each step.
    package func run(progress: @escaping @Sendable (String) -> Void) async throws -> ShopReport {
        let startedAt = ISO8601DateFormatter().string(from: Date())
        try Pgbench.checkPrograms(self.plan.pgbench)
        progress("starting soukd (\(ShopServer.services)) on its embedded PostgreSQL")
        let server = try await ShopServer.start(soukd: self.plan.soukd, adminEmail: Self.adminEmail)
        do {
            let report = try await self.measure(on: server, startedAt: startedAt, progress: progress)
            await server.stop()
            return report
        } catch {
            await server.stop()
            throw error
        }
    }

    private func measure(
        on server: ShopServer,
        startedAt: String,
        progress: @escaping @Sendable (String) -> Void
    ) async throws -> ShopReport {
        let plan = self.plan
        let pgbench = Pgbench(program: plan.pgbench, cluster: server.cluster, workFolder: server.folder)
        progress("pgbench -i -s \(plan.pgbenchScale) on the same cluster")
        try await pgbench.initialize(scale: plan.pgbenchScale)
        let config = ClientConfig(
            host: server.endpoint.host,
            port: server.endpoint.swpPort,
            trust: server.endpoint.certificateAuthority.map { .certificateAuthority(path: $0) } ?? .plaintext
        )
        return try await SoukConnection.withConnection(to: config) { client in
            let seeder = ShopSeeder(client: client)
            var fixture = try await seeder.seed(
                admin: server.admin,
                products: plan.products,
                customers: plan.customers,
                progress: progress
            )
            let cLoads = try self.writeRequestFiles(fixture, folder: server.folder)
            var outcomes: [ShopOperation: [LoadOutcome]] = [:]
            var cRounds: [ShopOperation: [LoadOutcomeSummary]] = [:]
            var failures: [Row: String] = [:]
            var pgbenchRounds: [PgbenchScript: [PgbenchRound]] = [:]
            for round in 1...plan.rounds {
                for step in Self.steps {
                    let label = "[round \(round)/\(plan.rounds)]"
                    switch step {
                    case .pgbench(let script):
                        progress("\(label) \(script.label) -c \(plan.inFlight) -j \(plan.pgbenchThreads)")
                        let measured = try await pgbench.run(
                            script,
                            clients: plan.inFlight,
                            threads: plan.pgbenchThreads,
                            warmupSeconds: plan.warmupSeconds,
                            seconds: plan.measureSeconds,
                            tag: "r\(round)"
                        )
                        pgbenchRounds[script, default: []].append(measured)
                    case .operation(let operation, .c):
                        guard let load = cLoads[operation], let program = plan.cClient,
                            failures[Row(operation: operation, driver: .c)] == nil
                        else { continue }
                        progress("\(label) \(ShopDriver.c.label(operation)) ×\(plan.inFlight) over SWP")
                        do {
                            var raw = load
                            // A seed per round: the requests come in a random order, as the Swift client's do.
                            raw.seed = UInt64(round)
                            let summary = try await ExternalLoad(cClient: program, floor: nil).measureCClient(
                                raw: raw,
                                endpoint: server.endpoint,
                                warmup: .seconds(plan.warmupSeconds),
                                measure: .seconds(plan.measureSeconds),
                                server: server.process
                            )
                            cRounds[operation, default: []].append(summary)
                        } catch {
                            failures[Row(operation: operation, driver: .c)] = BenchError.describe(error)
                        }
                    case .operation(let operation, .swift):
                        guard failures[Row(operation: operation, driver: .swift)] == nil else { continue }
                        progress("\(label) \(operation.label) ×\(plan.inFlight) over SWP")
                        do {
                            if [.order, .checkout].contains(operation), self.expiresSoon(fixture.customers) {
                                fixture.customers = try await seeder.login(fixture.customers)
                            }
                            let load = ShopLoad(client: client, fixture: fixture, inFlight: plan.inFlight)
                            let outcome = try await LoadRunner.run(
                                inFlight: plan.inFlight,
                                warmup: .seconds(plan.warmupSeconds),
                                measure: .seconds(plan.measureSeconds),
                                server: server.process,
                                call: load.call(operation)
                            )
                            outcomes[operation, default: []].append(outcome)
                        } catch {
                            failures[Row(operation: operation, driver: .swift)] = BenchError.describe(error)
                        }
                    }
                }
            }
            return ShopReport(
                startedAt: startedAt,
                machine: .current(),
                plan: plan,
                operations: ShopOperation.allCases.map { operation in
                    ShopOperationResult(
                        operation: operation,
                        outcomes: outcomes[operation] ?? [],
                        failure: failures[Row(operation: operation, driver: .swift)]
                    )
                }
                    + ShopDriver.c.operations.compactMap { operation in
                        guard plan.cClient != nil else { return nil }
                        return ShopOperationResult(
                            operation: operation,
                            cClientRounds: cRounds[operation] ?? [],
                            failure: failures[Row(operation: operation, driver: .c)]
                        )
                    },
                pgbench: PgbenchScript.allCases.compactMap { script in
                    pgbenchRounds[script].map { PgbenchResult(script: script, rounds: $0) }
                },
                notes: plan.cClient == nil ? [Self.noCClient] : []
            )
        }
    }

    /// Why the C client's rows are missing when it is not built.
    static let noCClient =
        "the C client's rows (lookup and search driven by swp-call): clients/c/build/swp-call is not built "
        + "(make -C clients/c)"

    /// Writes the C client's request files into `folder`; its loads by operation (none without a C client).
    private func writeRequestFiles(
        _ fixture: ShopFixture,
        folder: String
    ) throws -> [ShopOperation: ExternalLoad.RawLoad] {
        guard self.plan.cClient != nil else { return [:] }
        var loads: [ShopOperation: ExternalLoad.RawLoad] = [:]
        for operation in ShopDriver.c.operations {
            guard let (path, file) = try ShopRequestFile.load(for: operation, fixture: fixture) else { continue }
            let url = URL(fileURLWithPath: folder).appendingPathComponent("\(operation.rawValue).requests")
            try file.write(to: url)
            loads[operation] = ExternalLoad.RawLoad(path: path, requestFile: url.path, inFlight: self.plan.inFlight)
        }
        return loads
    }

    /// Whether an access token would expire before the next measurement ends (with a minute to spare).
    private func expiresSoon(_ customers: [ShopCustomer]) -> Bool {
        let needed = Int64((self.plan.warmupSeconds + self.plan.measureSeconds + 60) * 1000)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return customers.contains { $0.expiresAtUnixMs < now + needed }
    }
}

import Foundation

/// Everything one `souk-bench shop` run measured, as written to `bench/results/shop.json`.
package struct ShopReport: Sendable, Codable {
    /// When the run started (ISO 8601, UTC).
    package var startedAt: String
    package var machine: MachineInfo
    /// Whether this was the `--quick` smoke run (figures from it are not comparable).
    package var quick: Bool
    package var warmupSeconds: Int
    package var measureSeconds: Int
    package var rounds: Int
    /// Calls in flight over SWP, and pgbench's clients (`-c`).
    package var inFlight: Int
    package var products: Int
    package var customers: Int
    /// pgbench's scale (`-i -s`).
    package var pgbenchScale: Int
    /// Each operation by each client that drove it (the Swift client's first, then the C client's).
    package var operations: [ShopOperationResult]
    package var pgbench: [PgbenchResult]
    package var targets: [TargetCheck]
    /// What was left out of this run and why (the C client's rows when it is not built).
    package var notes: [String]

    package init(
        startedAt: String,
        machine: MachineInfo,
        plan: ShopPlan,
        operations: [ShopOperationResult],
        pgbench: [PgbenchResult],
        notes: [String] = []
    ) {
        self.startedAt = startedAt
        self.machine = machine
        self.quick = plan.quick
        self.warmupSeconds = plan.warmupSeconds
        self.measureSeconds = plan.measureSeconds
        self.rounds = plan.rounds
        self.inFlight = plan.inFlight
        self.products = plan.products
        self.customers = plan.customers
        self.pgbenchScale = plan.pgbenchScale
        self.operations = operations
        self.pgbench = pgbench
        self.targets = ShopTargets.evaluate(operations: operations, pgbench: pgbench)
        self.notes = notes
    }

    /// The operations that failed, named as the tables name them, with their causes.
    package var failures: [(label: String, cause: String)] {
        self.operations.compactMap { result in result.failure.map { (result.label, $0) } }
    }
}

/// One shop operation over SWP, summed over the rounds; or the reason it could not be measured.
package struct ShopOperationResult: Sendable, Codable, Hashable {
    package var operation: ShopOperation
    /// The client that drove the load.
    package var driver: ShopDriver
    /// Operations completed inside the measurement windows (an order is two calls: cart line and place).
    package var calls: Int
    /// Length of the measurement windows, summed.
    package var seconds: Double
    package var callsPerSecond: Double
    /// Latency of a whole operation, in microseconds.
    package var latency: LatencyPercentiles
    /// CPU seconds (user + system) per operation: the bench, and soukd (PostgreSQL's processes are not counted).
    package var clientCPUPerCall: Double?
    package var serverCPUPerCall: Double?
    /// Why the operation could not be measured (its figures are then zero); nil when it was.
    package var failure: String?

    package init(
        operation: ShopOperation,
        driver: ShopDriver = .swift,
        calls: Int,
        seconds: Double,
        latency: LatencyPercentiles,
        clientCPUPerCall: Double?,
        serverCPUPerCall: Double?,
        failure: String?
    ) {
        self.operation = operation
        self.driver = driver
        self.calls = calls
        self.seconds = seconds
        self.callsPerSecond = seconds > 0 ? Double(calls) / seconds : 0
        self.latency = latency
        self.clientCPUPerCall = clientCPUPerCall
        self.serverCPUPerCall = serverCPUPerCall
        self.failure = failure
    }

    /// How tables name it: the operation, and which client drove it unless the Swift client did.
    package var label: String { self.driver.label(self.operation) }

    /// A result from the rounds' closed-loop outcomes (the Swift client).
    init(operation: ShopOperation, outcomes: [LoadOutcome], failure: String?) {
        var tally = WorkerTally()
        var seconds = 0.0
        var client = 0.0
        var server: Double? = 0
        for outcome in outcomes {
            tally.merge(outcome.tally)
            seconds += outcome.seconds
            client += outcome.clientCPUSeconds
            server = server.flatMap { total in outcome.serverCPUSeconds.map { total + $0 } }
        }
        let perCall = { (total: Double?) -> Double? in
            guard let total, tally.calls > 0 else { return nil }
            return total / Double(tally.calls)
        }
        self.init(
            operation: operation,
            calls: tally.calls,
            seconds: seconds,
            latency: tally.calls > 0 ? tally.percentiles : LatencyPercentiles(p50: 0, p90: 0, p99: 0, p999: 0),
            clientCPUPerCall: perCall(client),
            serverCPUPerCall: perCall(server),
            failure: failure
        )
    }

    /// A result from the C client's rounds: each round reports its percentiles, which are combined as a call-weighted
    /// mean (as the wire bench combines the C client's rounds); CPU per call from the rounds' sums.
    package init(operation: ShopOperation, cClientRounds rounds: [LoadOutcomeSummary], failure: String?) {
        let calls = rounds.reduce(0) { $0 + $1.calls }
        func mean(_ value: (LatencyPercentiles) -> Double) -> Double {
            calls > 0 ? rounds.reduce(0) { $0 + value($1.latency) * Double($1.calls) } / Double(calls) : 0
        }
        func perCall(_ value: (LoadOutcomeSummary) -> Double?) -> Double? {
            let values = rounds.compactMap(value)
            guard calls > 0, values.count == rounds.count else { return nil }
            return values.reduce(0, +) / Double(calls)
        }
        self.init(
            operation: operation,
            driver: .c,
            calls: calls,
            seconds: rounds.reduce(0) { $0 + $1.seconds },
            latency: LatencyPercentiles(p50: mean(\.p50), p90: mean(\.p90), p99: mean(\.p99), p999: mean(\.p999)),
            clientCPUPerCall: perCall(\.clientCPUSeconds),
            serverCPUPerCall: perCall(\.serverCPUSeconds),
            failure: failure
        )
    }
}

/// One pgbench script on the same cluster, summed over the rounds.
package struct PgbenchResult: Sendable, Codable, Hashable {
    package var script: PgbenchScript
    /// `-c` and `-j`.
    package var clients: Int
    package var threads: Int
    package var transactions: Int
    /// `-T`, summed over the rounds.
    package var seconds: Int
    /// pgbench's own tps (without connection time), combined over the rounds by transactions.
    package var transactionsPerSecond: Double
    /// pgbench's `latency average`, weighted by transactions, in microseconds.
    package var latencyAverageMicros: Double
    /// Percentiles from pgbench's per-transaction logs (`-l`), in microseconds.
    package var latency: LatencyPercentiles

    package init(
        script: PgbenchScript,
        clients: Int,
        threads: Int,
        transactions: Int,
        seconds: Int,
        transactionsPerSecond: Double,
        latencyAverageMicros: Double,
        latency: LatencyPercentiles
    ) {
        self.script = script
        self.clients = clients
        self.threads = threads
        self.transactions = transactions
        self.seconds = seconds
        self.transactionsPerSecond = transactionsPerSecond
        self.latencyAverageMicros = latencyAverageMicros
        self.latency = latency
    }

    /// Combines rounds: tps as total transactions over the total time pgbench reports they took.
    package init(script: PgbenchScript, rounds: [PgbenchRound]) {
        var tally = WorkerTally()
        var transactions = 0
        var busySeconds = 0.0
        var latencySum = 0.0
        for round in rounds {
            tally.merge(round.tally)
            transactions += round.output.transactions
            if round.output.transactionsPerSecond > 0 {
                busySeconds += Double(round.output.transactions) / round.output.transactionsPerSecond
            }
            latencySum += round.output.latencyAverageMicros * Double(round.output.transactions)
        }
        self.init(
            script: script,
            clients: rounds.first?.output.clients ?? 0,
            threads: rounds.first?.output.threads ?? 0,
            transactions: transactions,
            seconds: rounds.reduce(0) { $0 + $1.seconds },
            transactionsPerSecond: busySeconds > 0 ? Double(transactions) / busySeconds : 0,
            latencyAverageMicros: transactions > 0 ? latencySum / Double(transactions) : 0,
            latency: tally.percentiles
        )
    }
}

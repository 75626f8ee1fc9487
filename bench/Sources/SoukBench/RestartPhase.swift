import Foundation
import GRPCCore

/// What the restart phase measured.
package struct RestartResult: Sendable, Hashable, Codable {
    /// Calls that failed and were under way while PostgreSQL was away (ending after its stop, beginning before the
    /// first order after it was back), by status code.
    package var refusedWhileAway: [String: Int]
    /// The longest any call took to fail, in seconds.
    package var longestUnansweredSeconds: Double
    /// How long PostgreSQL was stopped (from the fast shutdown until `pg_ctl start` returned).
    package var awaySeconds: Double
    /// From `pg_ctl start` returning (PostgreSQL accepting connections) to the first acknowledged order.
    package var recoverySeconds: Double?
    /// From `pg_ctl start` returning until health said SERVING again.
    package var servingAgainSeconds: Double?
    /// Health's overall status as it changed, with seconds from PostgreSQL's stop.
    package var health: [String]
    package var tally: OrderTally
    package var failures: [String]

    package var problems: [String] {
        var problems = self.tally.problems + self.failures.prefix(3).map { "customer stopped: \($0)" }
        if self.recoverySeconds == nil { problems.append("no order was acknowledged after PostgreSQL came back") }
        // Only UNAVAILABLE: a call that its 30 s deadline ended was a handler left waiting on the database (a
        // statement on a connection the server had ended), which SoukStorage's guarded queries rule out.
        let others = self.refusedWhileAway.keys.filter { $0 != "unavailable" }
        if !others.isEmpty { problems.append("calls failed with \(others.sorted().joined(separator: ", "))") }
        // Beyond the client's 30 s deadline on a call, with room for a loaded machine.
        if self.longestUnansweredSeconds >= 45 {
            problems.append(String(format: "a call took %.1f s to fail", self.longestUnansweredSeconds))
        }
        if !self.health.contains(where: { $0.hasSuffix("NOT_SERVING") }) {
            problems.append("health never said NOT_SERVING while PostgreSQL was away")
        }
        return problems
    }
}

/// Customers order while the PostgreSQL server soukd runs on is stopped with a fast shutdown and started again:
/// once a third of the orders are in, PostgreSQL stops; once health says NOT_SERVING and enough calls have been
/// refused, it starts again; the phase measures how soukd refuses calls meanwhile and how soon it orders again.
package struct RestartPhase: Sendable {
    package var plan: ChaosPlan

    package init(plan: ChaosPlan) {
        self.plan = plan
    }

    package func run(progress: @escaping @Sendable (String) -> Void) async throws -> RestartResult {
        let plan = self.plan
        return try await ChaosShop.onThrowawayCluster(
            phase: "restart",
            soukd: plan.soukd,
            customers: plan.restart.customers,
            progress: progress
        ) { shop, client, cluster in
            try await Self.measure(shop, client, cluster: cluster, plan: plan, progress: progress)
        }
    }

    private static func measure<Transport: ClientTransport>(
        _ shop: ChaosShop,
        _ client: GRPCClient<Transport>,
        cluster: ThrowawayCluster,
        plan: ChaosPlan,
        progress: @escaping @Sendable (String) -> Void
    ) async throws -> RestartResult {
        let clock = ContinuousClock()
        let origin = clock.now
        let audit = OrderAudit(client: client, staff: shop.fixture.staff)
        let stockBefore = try await audit.stock(of: shop.sku).onHand
        let shoppers = OrderShoppers(
            client: client,
            customers: shop.fixture.customers,
            sku: shop.sku,
            clock: clock,
            origin: origin,
            giveUp: .seconds(plan.giveUpSeconds)
        )
        let ledger = OrderLedger()
        let health = HealthWatch()
        let total = plan.restart.orders
        progress("restart: \(total) orders by \(plan.restart.customers) customers; PostgreSQL stops after a third")
        let window = try await withThrowingTaskGroup(of: Window?.self) { group in
            group.addTask {
                await shoppers.run(total: total, ledger: ledger)
                return nil
            }
            group.addTask {
                await health.run(client: client, clock: clock, origin: origin)
                return nil
            }
            group.addTask {
                try await Self.outage(cluster, plan: plan, ledger: ledger, health: health, clock, origin, progress)
            }
            var window: Window? = nil
            // The customers finish first or the outage does; the health watch runs until both have.
            var open = 2
            while open > 0, let done = try await group.next() {
                if let done { window = done }
                open -= 1
            }
            group.cancelAll()
            return window
        }
        guard let window else {
            throw BenchError.scenarioFailed(scenario: "restart", wire: "SWP", cause: "PostgreSQL was never stopped")
        }
        progress("restart: reading the orders back")
        let tally = try await audit.tally(asked: total, ledger: ledger, sku: shop.sku, stockBefore: stockBefore)
        let recovered = ledger.firstAcknowledgement(after: window.back)
        let calls = ledger.unansweredCalls
        // Calls that were under way at some point of the outage: ended after the stop, began before the first
        // order after the start (a call stuck in flight since before the stop counts too).
        let until = recovered ?? origin.duration(to: clock.now)
        let away = calls.filter { call in
            call.endedAt >= window.halted && call.endedAt - .milliseconds(Int64(call.seconds * 1000)) <= until
        }
        let serving = health.seen.first { $0.at > window.back && $0.status == "SERVING" }
        return RestartResult(
            refusedWhileAway: Dictionary(grouping: away, by: \.code).mapValues(\.count),
            longestUnansweredSeconds: calls.map(\.seconds).max() ?? 0,
            awaySeconds: (window.back - window.halted).inSeconds,
            recoverySeconds: recovered.map { ($0 - window.back).inSeconds },
            servingAgainSeconds: serving.map { ($0.at - window.back).inSeconds },
            health: health.seen.map { change in
                String(format: "%+.1f s ", (change.at - window.halted).inSeconds) + change.status
            },
            tally: tally,
            failures: ledger.failures
        )
    }

    /// When PostgreSQL was stopped and when it was accepting connections again (from the origin).
    private struct Window: Sendable {
        var halted: Duration
        var back: Duration
    }

    /// Waits for a third of the orders, stops PostgreSQL, waits until health says NOT_SERVING and enough calls
    /// were refused (at most two minutes), then starts it again.
    private static func outage(
        _ cluster: ThrowawayCluster,
        plan: ChaosPlan,
        ledger: OrderLedger,
        health: HealthWatch,
        _ clock: ContinuousClock,
        _ origin: ContinuousClock.Instant,
        _ progress: @Sendable (String) -> Void
    ) async throws -> Window {
        while ledger.acknowledgedCount < plan.restart.orders / 3 {
            guard ledger.failures.count < plan.restart.customers else {
                throw BenchError.scenarioFailed(scenario: "restart", wire: "SWP", cause: ledger.failures[0])
            }
            try await clock.sleep(for: .milliseconds(20))
        }
        progress("restart: stopping PostgreSQL (fast shutdown) after \(ledger.acknowledgedCount) orders")
        let failedBefore = ledger.unansweredCount
        try await cluster.halt()
        let halted = origin.duration(to: clock.now)
        let deadline = clock.now + .seconds(120)
        while clock.now < deadline,
            health.current != "NOT_SERVING"
                || ledger.unansweredCount - failedBefore < plan.restart.failedCallsWhileAway
        {
            try await clock.sleep(for: .milliseconds(50))
        }
        progress("restart: starting PostgreSQL again (\(ledger.unansweredCount - failedBefore) calls refused)")
        try await cluster.start()
        return Window(halted: halted, back: origin.duration(to: clock.now))
    }
}

import Foundation
import GRPCCore
import SoukWire

/// What the crash phase measured.
package struct CrashResult: Sendable, Hashable, Codable {
    /// One SIGKILL.
    package struct Kill: Sendable, Hashable, Codable {
        /// Orders acknowledged when soukd was killed.
        package var afterOrders: Int
        /// From the kill until the restarted soukd was ready (its ready banner).
        package var restartSeconds: Double
        /// From the kill until the next order was acknowledged; nil if none was.
        package var orderingAgainSeconds: Double?
    }

    package var seed: UInt64
    package var kills: [Kill]
    package var tally: OrderTally
    /// Calls that went unanswered and were tried again with the same key.
    package var callsTriedAgain: Int
    /// Why customers stopped early.
    package var failures: [String]
    package var seconds: Double

    /// What is wrong; empty when every order went through exactly once.
    package var problems: [String] {
        self.tally.problems + self.failures.prefix(3).map { "customer stopped: \($0)" }
    }
}

/// Customers order while soukd is killed with SIGKILL at random points (counted in acknowledged orders, not
/// timed) and started again on the same embedded PostgreSQL; afterwards every order is read back and tallied.
package struct CrashPhase: Sendable {
    package var plan: ChaosPlan

    package init(plan: ChaosPlan) {
        self.plan = plan
    }

    package func run(progress: @escaping @Sendable (String) -> Void) async throws -> CrashResult {
        let plan = self.plan
        return try await ChaosShop.with(
            soukd: plan.soukd,
            database: nil,
            customers: plan.crash.customers,
            progress: progress
        ) { shop, client in
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
            let total = plan.crash.orders
            progress("crash: \(total) orders by \(plan.crash.customers) customers, \(plan.crash.kills) SIGKILLs")
            let kills = try await withThrowingTaskGroup(of: [Kill]?.self) { group in
                group.addTask {
                    await shoppers.run(total: total, ledger: ledger)
                    return nil
                }
                group.addTask {
                    try await Self.kill(shop.server, plan: plan, ledger: ledger, clock: clock, origin: origin, progress)
                }
                var kills: [Kill] = []
                while let done = try await group.next() {
                    // The customers are done (or have all stopped): no more kills.
                    guard let done else {
                        group.cancelAll()
                        continue
                    }
                    kills = done
                }
                return kills
            }
            progress("crash: reading the orders back")
            let tally = try await audit.tally(asked: total, ledger: ledger, sku: shop.sku, stockBefore: stockBefore)
            return CrashResult(
                seed: plan.seed,
                kills: kills.map { kill in
                    CrashResult.Kill(
                        afterOrders: kill.afterOrders,
                        restartSeconds: kill.restart.inSeconds,
                        orderingAgainSeconds: ledger.firstAcknowledgement(after: kill.at).map {
                            ($0 - kill.at).inSeconds
                        }
                    )
                },
                tally: tally,
                callsTriedAgain: ledger.unansweredCount,
                failures: ledger.failures,
                seconds: origin.duration(to: clock.now).inSeconds
            )
        }
    }

    /// One kill: orders acknowledged then, when (from the origin), and how long the restart took.
    private typealias Kill = (afterOrders: Int, at: Duration, restart: Duration)

    /// Kills soukd after a random share of the orders each time (the seeded generator picks 20–80 % into each
    /// of `kills + 1` equal stretches) and starts it again; stops early when the customers are done.
    private static func kill(
        _ server: ShopServer,
        plan: ChaosPlan,
        ledger: OrderLedger,
        clock: ContinuousClock,
        origin: ContinuousClock.Instant,
        _ progress: @Sendable (String) -> Void
    ) async throws -> [Kill] {
        var generator = SeededGenerator(seed: plan.seed)
        var kills: [Kill] = []
        let total = plan.crash.orders
        for index in 0..<plan.crash.kills {
            let share = (Double(index) + Double.random(in: 0.2...0.8, using: &generator)) / Double(plan.crash.kills + 1)
            let target = Int(Double(total) * share)
            // Counted, not timed: wait for the orders (or for every customer to have stopped).
            while ledger.acknowledgedCount < target {
                do {
                    try await clock.sleep(for: .milliseconds(20))
                } catch {
                    return kills
                }
            }
            let afterOrders = ledger.acknowledgedCount
            guard afterOrders < total else { return kills }
            let at = origin.duration(to: clock.now)
            await server.kill()
            progress("crash: SIGKILL \(index + 1) of \(plan.crash.kills) after \(afterOrders) orders; restarting soukd")
            let restart = try await server.restart()
            kills.append((afterOrders, at, restart))
        }
        return kills
    }
}

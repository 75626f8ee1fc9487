import Foundation

/// Issue #6's targets (the Swift client) and issue #18's (the C client): each shop operation's rate over SWP as a
/// fraction of pgbench's on the same cluster.
package enum ShopTargets {
    /// One check per operation and client with a target, the Swift client's first, in ``ShopOperation`` order:
    /// reached, missed, or not measured (with the cause) when the operation failed, was not run (the C client not
    /// built) or its pgbench script did not run.
    package static func evaluate(operations: [ShopOperationResult], pgbench: [PgbenchResult]) -> [TargetCheck] {
        ShopDriver.allCases.flatMap { driver in
            ShopOperation.allCases.compactMap { operation in
                Self.check(operation, driver, operations: operations, pgbench: pgbench)
            }
        }
    }

    private static func check(
        _ operation: ShopOperation,
        _ driver: ShopDriver,
        operations: [ShopOperationResult],
        pgbench: [PgbenchResult]
    ) -> TargetCheck? {
        guard let target = operation.goal(driver) else { return nil }
        let name = "\(driver.label(operation)) calls/s ÷ \(operation.reference.label) tps"
        let goal = "≥ \(Format.ratio(target))"
        guard let result = operations.first(where: { $0.operation == operation && $0.driver == driver }) else {
            return TargetCheck(
                name: name,
                goal: goal,
                value: nil,
                shown: "–",
                detail: "not measured in this run",
                reached: nil
            )
        }
        if let failure = result.failure {
            return TargetCheck(
                name: name,
                goal: goal,
                value: nil,
                shown: "–",
                detail: "not measured: \(failure)",
                reached: nil
            )
        }
        guard let reference = pgbench.first(where: { $0.script == operation.reference }),
            reference.transactionsPerSecond > 0
        else {
            return TargetCheck(
                name: name,
                goal: goal,
                value: nil,
                shown: "–",
                detail: "\(operation.reference.label) not measured",
                reached: nil
            )
        }
        let ratio = result.callsPerSecond / reference.transactionsPerSecond
        return TargetCheck(
            name: name,
            goal: goal,
            value: ratio,
            shown: Self.ratio(ratio),
            detail:
                "\(Format.rate(result.callsPerSecond)) vs \(Format.rate(reference.transactionsPerSecond)) per s; "
                + "p99 \(Format.latency(result.latency.p99)) vs \(Format.latency(reference.latency.p99))",
            reached: ratio >= target
        )
    }

    /// A ratio with three decimals below 0.1 (a search page at 0.004× is not "0.00×").
    static func ratio(_ value: Double) -> String {
        value < 0.1 ? String(format: "%.3f×", value) : Format.ratio(value)
    }
}

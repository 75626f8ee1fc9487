import Foundation

/// What `souk-bench chaos` runs: which phases, how big each is, and the seed that places the kills.
package struct ChaosPlan: Sendable, Hashable, Codable {
    /// One part of the chaos run.
    package enum Phase: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        /// soukd killed with SIGKILL while customers order, and started again on the same data.
        case crash
        /// PostgreSQL stopped (fast shutdown) under load and started again.
        case restart
        /// Load without a pause; memory, descriptors and PostgreSQL connections after a warm-up.
        case soak

        package static func < (lhs: Phase, rhs: Phase) -> Bool {
            Self.allCases.firstIndex(of: lhs)! < Self.allCases.firstIndex(of: rhs)!
        }
    }

    /// The crash phase's size.
    package struct Crash: Sendable, Hashable, Codable {
        /// Orders to place, spread evenly over the customers.
        package var orders: Int
        /// Customers ordering at once.
        package var customers: Int
        /// SIGKILLs, each after a random share of the orders.
        package var kills: Int
    }

    /// The restart phase's size.
    package struct Restart: Sendable, Hashable, Codable {
        package var orders: Int
        package var customers: Int
        /// Calls that must fail while PostgreSQL is away before it is started again: the outage spans many calls.
        package var failedCallsWhileAway: Int
    }

    /// The soak phase's length.
    package struct Soak: Sendable, Hashable, Codable {
        package var customers: Int
        /// Load before the first reading (it outlasts PostgresNIO's pool timers, 30 s and 60 s, by default).
        package var warmupSeconds: Int
        /// Load between the two readings.
        package var seconds: Int
    }

    package var phases: [Phase]
    package var crash: Crash
    package var restart: Restart
    package var soak: Soak
    /// Seeds the random points at which soukd is killed.
    package var seed: UInt64
    package var soukd: String
    package var quick: Bool
    /// Gives up on an order no call acknowledges within this many seconds.
    package var giveUpSeconds: Int

    /// The sizes a full run (`quick` false) or a quick one uses, before flags override them.
    package static func defaults(quick: Bool, soukd: String, seed: UInt64) -> ChaosPlan {
        ChaosPlan(
            phases: Phase.allCases,
            crash: Crash(orders: quick ? 200 : 1000, customers: 8, kills: quick ? 2 : 3),
            restart: Restart(orders: quick ? 160 : 400, customers: 8, failedCallsWhileAway: 16),
            // Even the quick warm-up outlasts PostgresNIO's idle timer (60 s): memory climbs until then.
            soak: Soak(customers: 6, warmupSeconds: quick ? 65 : 80, seconds: quick ? 20 : 60),
            seed: seed,
            soukd: soukd,
            quick: quick,
            giveUpSeconds: 300
        )
    }

    /// The share of `total` orders customer `index` of `customers` places (the first ones take the remainder).
    package static func share(of total: Int, customer index: Int, of customers: Int) -> Int {
        total / customers + (index < total % customers ? 1 : 0)
    }

    /// Parses `--phase`: `all`, or names separated by commas (`crash,soak`).
    ///
    /// - Throws: ``BenchError/usage(_:)`` naming an unknown phase.
    package static func phases(_ text: String) throws -> [Phase] {
        if text.trimmingCharacters(in: .whitespaces) == "all" { return Phase.allCases }
        var phases: [Phase] = []
        for name in text.split(separator: ",") {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let phase = Phase(rawValue: trimmed) else {
                let known = Phase.allCases.map(\.rawValue).joined(separator: ", ")
                throw BenchError.usage("unknown phase '\(trimmed)'; choose all or from \(known)")
            }
            if !phases.contains(phase) { phases.append(phase) }
        }
        guard !phases.isEmpty else { throw BenchError.usage("--phase names no phase") }
        return phases.sorted()
    }

    /// Checks the sizes.
    ///
    /// - Throws: ``BenchError/usage(_:)`` naming the first flag out of range.
    package func validate() throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw BenchError.usage(message) }
        }
        try check((1...1000).contains(self.crash.customers), "--customers must be 1…1000")
        try check((1...1000).contains(self.restart.customers), "--customers must be 1…1000")
        try check((1...1000).contains(self.soak.customers), "--customers must be 1…1000")
        try check((1...1_000_000).contains(self.crash.orders), "--orders must be 1…1000000")
        try check(
            self.crash.orders >= self.crash.customers,
            "--orders (\(self.crash.orders)) must be at least --customers (\(self.crash.customers))"
        )
        try check((1...1_000_000).contains(self.restart.orders), "--restart-orders must be 1…1000000")
        try check(
            self.restart.orders >= self.restart.customers * 3,
            "--restart-orders (\(self.restart.orders)) must be at least three per customer (\(self.restart.customers))"
        )
        try check((0...100).contains(self.crash.kills), "--kills must be 0…100")
        try check((0...3600).contains(self.soak.warmupSeconds), "--warmup-seconds must be 0…3600")
        try check((1...86_400).contains(self.soak.seconds), "--soak-seconds must be 1…86400")
        try check(!self.phases.isEmpty, "--phase names no phase")
    }
}

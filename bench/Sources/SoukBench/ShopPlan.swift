/// What one `souk-bench shop` run measures: the shop's size, the load, and the programs it starts.
package struct ShopPlan: Sendable, Hashable {
    /// The soukd to start.
    package var soukd: String
    /// The pgbench to run (`createdb` next to it).
    package var pgbench: String
    /// Unmeasured seconds before each measurement (pgbench's `-T` takes whole seconds, so both sides do).
    package var warmupSeconds: Int
    /// Measured seconds per operation and pgbench script per round.
    package var measureSeconds: Int
    /// Rounds; within a round pgbench and the operations alternate.
    package var rounds: Int
    /// Calls in flight over SWP, and pgbench's `-c`.
    package var inFlight: Int
    /// pgbench's `-j`.
    package var pgbenchThreads: Int
    /// pgbench's `-i -s`.
    package var pgbenchScale: Int
    /// Published products seeded (two SKUs each).
    package var products: Int
    /// Customers seeded for the order load (at least ``inFlight``: each worker owns some).
    package var customers: Int
    /// Whether this is the CI smoke run.
    package var quick: Bool
    /// The C client (`clients/c/build/swp-call`) that drives lookups and searches a second time; nil when it is not
    /// built (those rows are then left out, with a note).
    package var cClient: String?

    package init(
        soukd: String,
        pgbench: String,
        warmupSeconds: Int,
        measureSeconds: Int,
        rounds: Int,
        inFlight: Int,
        pgbenchThreads: Int = 2,
        pgbenchScale: Int,
        products: Int,
        customers: Int,
        quick: Bool,
        cClient: String? = nil
    ) {
        self.soukd = soukd
        self.pgbench = pgbench
        self.warmupSeconds = warmupSeconds
        self.measureSeconds = measureSeconds
        self.rounds = rounds
        self.inFlight = inFlight
        self.pgbenchThreads = pgbenchThreads
        self.pgbenchScale = pgbenchScale
        self.products = products
        self.customers = customers
        self.quick = quick
        self.cClient = cClient
    }
}

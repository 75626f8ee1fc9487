import Logging
import PostgresNIO
import SoukStorage

/// Asks the database `SELECT 1` at a fixed interval and tells a ``HealthStatusBoard`` whether it answered.
///
/// The probe has a pool of its own, of one connection (``pool(url:logger:)``, run by the host beside its main
/// pool): on the host's pool, a probe queued behind a burst of calls looked like a database that is gone, and the
/// host cancelled every call in flight. Each probe is bounded by `timeout`: when PostgreSQL is gone the pool does
/// not fail a query at once (it keeps retrying to connect for up to a minute), so an unanswered probe counts as a
/// miss. The database is declared unreachable only after ``missesBeforeUnreachable`` misses in a row: on a loaded
/// machine one slow `SELECT 1` is not an outage, and declaring one fails every call in flight. One answer declares
/// it reachable again. Time is read from the injected clock, so tests can drive the probe with a short interval.
struct DatabaseProbe<ProbeClock: Clock<Duration>>: Sendable {
    let postgres: PostgresClient
    let board: HealthStatusBoard
    let clock: ProbeClock
    let interval: Duration
    let timeout: Duration
    let logger: Logger
    /// How many probes in a row must go unanswered before the database is declared unreachable.
    var missesBeforeUnreachable = 3

    /// The probe's pool for the database at `url`: at most one connection, none kept while idle. The caller runs
    /// it (a `Service`).
    static func pool(url: DatabaseURL, logger: Logger) -> PostgresClient {
        var configuration = url.makeClientConfiguration()
        configuration.options.minimumConnections = 0
        configuration.options.maximumConnections = 1
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// Probes until the task is cancelled (it then throws `CancellationError`).
    func run() async throws {
        try await self.probeForever()
    }

    private func probeForever() async throws {
        var verdict = ProbeVerdict(missesBeforeUnreachable: self.missesBeforeUnreachable)
        while true {
            try Task.checkCancellation()
            let answered = await self.probe()
            try Task.checkCancellation()
            let reachable = verdict.record(answered: answered)
            if !answered {
                self.logger.notice("the database did not answer a probe", metadata: ["misses": "\(verdict.misses)"])
            }
            if reachable != self.board.isDatabaseReachable {
                if reachable {
                    self.logger.notice("the database answers again; services are SERVING")
                } else {
                    self.logger.error("the database cannot be reached; services report NOT_SERVING")
                }
                self.board.setDatabaseReachable(reachable)
            }
            try await self.clock.sleep(for: self.interval)
        }
    }

    /// Whether one `SELECT 1` is answered within the timeout.
    func probe() async -> Bool {
        let postgres = self.postgres
        let clock = self.clock
        let timeout = self.timeout
        let logger = self.logger
        return await withTaskGroup(of: Bool?.self) { group in
            group.addTask {
                do {
                    try await postgres.guardedQuery("SELECT 1", logger: logger)
                    return true
                } catch {
                    logger.debug("database probe failed", metadata: ["error": "\(String(reflecting: error))"])
                    return false
                }
            }
            group.addTask {
                // `nil` when cancelled because the query finished first.
                do {
                    try await clock.sleep(for: timeout)
                    return false
                } catch {
                    return nil
                }
            }
            defer { group.cancelAll() }
            while let outcome = await group.next() {
                if let outcome { return outcome }
            }
            return false
        }
    }
}

/// Whether the database counts as reachable after a run of probes: unreachable only after
/// `missesBeforeUnreachable` unanswered probes in a row (at least one); one answer makes it reachable again.
struct ProbeVerdict: Sendable, Equatable {
    let missesBeforeUnreachable: Int
    /// Unanswered probes since the last answer.
    private(set) var misses = 0

    init(missesBeforeUnreachable: Int) {
        self.missesBeforeUnreachable = max(1, missesBeforeUnreachable)
    }

    /// Counts one probe's outcome and returns whether the database is reachable now.
    mutating func record(answered: Bool) -> Bool {
        self.misses = answered ? 0 : self.misses + 1
        return self.misses < self.missesBeforeUnreachable
    }
}

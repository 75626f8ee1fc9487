import Logging
import PostgresNIO
import ServiceLifecycle
import SoukStorage

/// The step between the database and serving: migrates every hosted domain's schema, runs each domain's
/// preparation (and the demo seed), and records the start; only then does the RPC server serve
/// (``PreparedSignal``).
///
/// A service of its own because it needs the group's PostgreSQL pool running, placed after the pool and before
/// the servers. Once it has signalled it runs the domains' background work (``SoukDomain/Domain/runInBackground()``)
/// until shutdown, so that its end is not read as the group's. A failure fails the start: the servers never
/// serve, and the group stops with it; a background task that fails is logged and not restarted.
final class HostPreparation: Service, Sendable {
    /// What the servers wait on.
    let prepared = PreparedSignal()

    private let postgres: PostgresClient
    private let migrations: [SchemaMigrations]
    private let steps: [@Sendable () async throws -> Void]
    private let background: [@Sendable () async throws -> Void]
    private let services: String
    private let logger: Logger

    /// Migrates `migrations` on `postgres`, then runs `steps` in order; `services` is recorded with the start;
    /// then runs `background` side by side until shutdown.
    init(
        postgres: PostgresClient,
        migrations: [SchemaMigrations],
        steps: [@Sendable () async throws -> Void],
        background: [@Sendable () async throws -> Void] = [],
        services: [String],
        logger: Logger
    ) {
        self.postgres = postgres
        self.migrations = migrations
        self.steps = steps
        self.background = background
        self.services = services.joined(separator: ",")
        self.logger = logger
    }

    func run() async throws {
        do {
            try await MigrationRunner(logger: self.logger).migrate(self.migrations, on: self.postgres)
            for step in self.steps { try await step() }
            self.prepared.signal(startCount: try await self.recordStart())
        } catch {
            self.prepared.fail()
            throw error
        }
        let background = self.background
        let logger = self.logger
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for work in background {
                    group.addTask {
                        do {
                            try await work()
                        } catch is CancellationError {
                        } catch {
                            logger.error("a domain's background work stopped", metadata: ["error": "\(error)"])
                        }
                    }
                }
            }
        }
        try? await gracefulShutdown()
    }

    /// Records this start; how many starts the database has seen, this one included.
    private func recordStart() async throws -> Int {
        try await self.postgres.guardedQuery(
            "INSERT INTO souk_host.starts (services) VALUES (\(self.services))",
            logger: self.logger
        )
        let rows = try await self.postgres.guardedQuery("SELECT count(*) FROM souk_host.starts", logger: self.logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}

/// Says once that the host is prepared, with its start count; or that it never will be.
final class PreparedSignal: Sendable {
    private let stream: AsyncStream<Int>
    private let continuation: AsyncStream<Int>.Continuation

    init() {
        (self.stream, self.continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The host is prepared; this is start number `startCount`.
    func signal(startCount: Int) {
        self.continuation.yield(startCount)
        self.continuation.finish()
    }

    /// Preparation failed or was stopped.
    func fail() {
        self.continuation.finish()
    }

    /// The start count once the host is prepared; nil when preparation failed, or the waiting task is cancelled.
    /// One waiter only.
    func wait() async -> Int? {
        var iterator = self.stream.makeAsyncIterator()
        return await iterator.next()
    }
}

import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import PostgresNIO
import ServiceLifecycle
import SoukStorage
import SoukWire
import Synchronization

/// The long-running part of a host: migrates the database, then serves every hosted service on both wires
/// (SWP/1 and gRPC over HTTP/2) until shutdown.
///
/// While serving, it probes the database (`watchDatabase`), so health reports NOT_SERVING while PostgreSQL
/// cannot be reached. On graceful shutdown it marks every service NOT_SERVING, stops accepting calls, lets in-flight calls finish
/// for up to the drain timeout, and then cancels what is left.
package final class RPCServerService: Service, Sendable {
    struct Servers: Sendable {
        let grpc: GRPCServer<HTTP2ServerTransport.Posix>
        let grpcTransport: HTTP2ServerTransport.Posix
        let swp: GRPCServer<SWPServerTransport>
        let swpTransport: SWPServerTransport
    }

    private let servers: Servers
    private let postgres: PostgresClient
    private let migrations: [SchemaMigrations]
    private let prepare: [@Sendable () async throws -> Void]
    private let health: HealthStatusBoard
    private let healthNames: [String]
    private let watchDatabase: @Sendable () async throws -> Void
    private let drainTimeout: Duration
    private let describeReady: @Sendable (_ swpPort: Int, _ grpcPort: Int, _ startCount: Int) -> ReadyInfo
    private let onReady: @Sendable (ReadyInfo) -> Void
    private let logger: Logger
    private let ready = Mutex<ReadyInfo?>(nil)

    init(
        servers: Servers,
        postgres: PostgresClient,
        migrations: [SchemaMigrations],
        prepare: [@Sendable () async throws -> Void],
        health: HealthStatusBoard,
        healthNames: [String],
        watchDatabase: @escaping @Sendable () async throws -> Void,
        drainTimeout: Duration,
        describeReady: @escaping @Sendable (_ swpPort: Int, _ grpcPort: Int, _ startCount: Int) -> ReadyInfo,
        onReady: @escaping @Sendable (ReadyInfo) -> Void,
        logger: Logger
    ) {
        self.servers = servers
        self.postgres = postgres
        self.migrations = migrations
        self.prepare = prepare
        self.health = health
        self.healthNames = healthNames
        self.watchDatabase = watchDatabase
        self.drainTimeout = drainTimeout
        self.describeReady = describeReady
        self.onReady = onReady
        self.logger = logger
    }

    /// What the host reported when it became ready, or `nil` before then.
    package var readyInfo: ReadyInfo? { self.ready.withLock { $0 } }

    package func run() async throws {
        try await MigrationRunner(logger: self.logger).migrate(self.migrations, on: self.postgres)
        for step in self.prepare { try await step() }
        let startCount = try await self.recordStart()
        let servers = self.servers

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await servers.grpc.serve() }
            group.addTask { try await servers.swp.serve() }
            group.addTask {
                let address = try await servers.grpcTransport.listeningAddress
                let grpcPort = address.ipv4?.port ?? address.ipv6?.port ?? 0
                let swpPort = try await servers.swpTransport.listeningPort
                for name in self.healthNames { self.health.set(.serving, for: name) }
                let info = self.describeReady(swpPort, grpcPort, startCount)
                self.ready.withLock { $0 = info }
                self.onReady(info)

                // Watch the database until shutdown begins (the watch then ends with a CancellationError).
                try? await cancelWhenGracefulShutdown { try await self.watchDatabase() }
                // Drain: stop accepting, give in-flight calls the bound, then end them.
                try await gracefulShutdown()
                self.logger.info("draining", metadata: ["bound": "\(self.drainTimeout)"])
                self.health.setAll(.notServing)
                self.health.finishAll()
                servers.grpc.beginGracefulShutdown()
                servers.swp.beginGracefulShutdown()
                try await Task.sleep(for: self.drainTimeout)
                self.logger.warning("drain bound reached; cancelling the calls still running")
                throw CancellationError()
            }
            // Both servers returning ends the drain timer; the timer firing (or a server failing) ends the rest.
            var finishedServers = 0
            do {
                while finishedServers < 2, try await group.next() != nil {
                    finishedServers += 1
                }
            } catch is CancellationError {
                // The drain bound fired or the whole service was cancelled.
            }
            group.cancelAll()
        }
        self.logger.info("stopped serving")
    }

    private func recordStart() async throws -> Int {
        let services = self.healthNames.filter { !$0.isEmpty }.joined(separator: ",")
        try await self.postgres.query(
            "INSERT INTO souk_host.starts (services) VALUES (\(services))",
            logger: self.logger
        )
        let rows = try await self.postgres.query("SELECT count(*) FROM souk_host.starts", logger: self.logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}

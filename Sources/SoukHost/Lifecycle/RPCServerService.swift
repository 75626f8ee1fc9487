import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle
import SoukWire
import Synchronization

/// The long-running part of a host: once ``HostPreparation`` has prepared the database, serves every hosted service
/// on both wires (SWP/1 and gRPC over HTTP/2) until shutdown.
///
/// While serving, it probes the database (`watchDatabase`), so health reports NOT_SERVING while PostgreSQL
/// cannot be reached. On graceful shutdown it marks every service NOT_SERVING, stops accepting calls and waits for
/// the calls in flight; the bound on that wait is the service group's (``Host/Prepared/serviceGroup(gracefulShutdownSignals:logger:)``
/// sets swift-service-lifecycle's maximum graceful shutdown duration to the drain timeout), which cancels what is
/// left when it is reached.
package final class RPCServerService: Service, Sendable {
    struct Servers: Sendable {
        let grpc: GRPCServer<HTTP2ServerTransport.Posix>
        let grpcTransport: HTTP2ServerTransport.Posix
        let swp: SWPServer
        let swpTransport: SWPServerTransport
    }

    private let servers: Servers?
    private let prepared: PreparedSignal
    private let health: HealthStatusBoard
    private let healthNames: [String]
    private let watchDatabase: @Sendable () async throws -> Void
    private let describeReady: @Sendable (_ swpPort: Int, _ grpcPort: Int, _ startCount: Int) -> ReadyInfo
    private let onReady: @Sendable (ReadyInfo) -> Void
    private let logger: Logger
    private let ready = Mutex<ReadyInfo?>(nil)

    /// Serves `servers` once `prepared` says so; with no servers (a host that does not listen) it only reports ready,
    /// keeps health up to date and waits for shutdown.
    init(
        servers: Servers?,
        prepared: PreparedSignal,
        health: HealthStatusBoard,
        healthNames: [String],
        watchDatabase: @escaping @Sendable () async throws -> Void,
        describeReady: @escaping @Sendable (_ swpPort: Int, _ grpcPort: Int, _ startCount: Int) -> ReadyInfo,
        onReady: @escaping @Sendable (ReadyInfo) -> Void,
        logger: Logger
    ) {
        self.servers = servers
        self.prepared = prepared
        self.health = health
        self.healthNames = healthNames
        self.watchDatabase = watchDatabase
        self.describeReady = describeReady
        self.onReady = onReady
        self.logger = logger
    }

    /// What the host reported when it became ready, or `nil` before then.
    package var readyInfo: ReadyInfo? { self.ready.withLock { $0 } }

    package func run() async throws {
        let prepared = self.prepared
        // A shutdown before the host is prepared ends the wait; a failed preparation is reported by its own service.
        guard let startCount = await cancelWhenGracefulShutdown({ await prepared.wait() }) else {
            self.logger.info("not serving: the host was not prepared")
            return
        }
        let servers = self.servers
        try await withThrowingDiscardingTaskGroup { group in
            if let servers {
                group.addTask { try await servers.grpc.serve() }
                group.addTask { try await servers.swp.serve() }
            }
            group.addTask {
                var (swpPort, grpcPort) = (0, 0)
                if let servers {
                    let address = try await servers.grpcTransport.listeningAddress
                    grpcPort = address.ipv4?.port ?? address.ipv6?.port ?? 0
                    swpPort = try await servers.swpTransport.listeningPort
                }
                for name in self.healthNames { self.health.set(.serving, for: name) }
                let info = self.describeReady(swpPort, grpcPort, startCount)
                self.ready.withLock { $0 = info }
                self.onReady(info)

                // Watch the database until shutdown begins (the watch then ends with a CancellationError).
                try? await cancelWhenGracefulShutdown { try await self.watchDatabase() }
                // Drain: stop accepting and let the calls in flight finish; the group's bound cancels the rest.
                try? await gracefulShutdown()
                self.logger.info("draining")
                self.health.setAll(.notServing)
                self.health.finishAll()
                servers?.grpc.beginGracefulShutdown()
                servers?.swp.beginGracefulShutdown()
            }
        }
        self.logger.info("stopped serving")
    }
}

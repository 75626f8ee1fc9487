import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import PostgresNIO
import SoukAPI
import SoukClient
import SoukStorage
import TestSupport
import Testing

@testable import SoukHost

/// The database probe, and a real host on an embedded cluster that is stopped under it and started again.
@Suite("Database outage", .serialized, .timeLimit(.minutes(5)))
struct DatabaseOutageTests {
    let logger = Logger(label: "test")

    @Test("health is NOT_SERVING and calls fail fast with UNAVAILABLE while PostgreSQL is down, then recover")
    func reportsOutage() async throws {
        try await withTemporaryDirectory { folder in
            let cluster = try EmbeddedCluster(dataFolder: folder, port: 5493, logger: self.logger)
            try await cluster.start()
            do {
                try await withRunningHost(
                    databaseURL: cluster.databaseURL,
                    dataFolder: folder,
                    configure: { config in
                        config.databaseProbeInterval = .milliseconds(100)
                        // Generous: on a loaded machine a probe of a running database must not time out.
                        config.databaseProbeTimeout = .seconds(5)
                    }
                ) { info, _ in
                    let config = ClientConfig(
                        host: "127.0.0.1",
                        port: info.grpcPort,
                        trust: .certificateAuthority(path: "\(folder)/tls/ca.pem")
                    )
                    try await SoukConnection.withHTTP2Connection(to: config) { client in
                        let health = Grpc_Health_V1_Health.Client(wrapping: client)
                        let catalog = Souk_Catalog_V1_CatalogService.Client(wrapping: client)
                        try await Self.poll("health says SERVING") {
                            try await Self.statuses(health).allSatisfy { $0 == .serving }
                        }
                        _ = try await catalog.searchProducts(Souk_Catalog_V1_SearchProductsRequest())

                        try await cluster.stop()
                        try await Self.poll("health says NOT_SERVING") {
                            try await Self.statuses(health).allSatisfy { $0 == .notServing }
                        }
                        let started = ContinuousClock.now
                        let error = await #expect(throws: RPCError.self) {
                            try await catalog.searchProducts(Souk_Catalog_V1_SearchProductsRequest())
                        }
                        #expect(error?.code == .unavailable)
                        #expect(error?.message.contains("database 'souk'") == true, "\(error?.message ?? "")")
                        #expect(ContinuousClock.now - started < .seconds(30), "fails fast, not after the pool gives up")

                        try await cluster.start()
                        try await Self.poll("health says SERVING again") {
                            try await Self.statuses(health).allSatisfy { $0 == .serving }
                        }
                        _ = try await catalog.searchProducts(Souk_Catalog_V1_SearchProductsRequest())
                    }
                }
            } catch {
                try? await cluster.stop()
                throw error
            }
            try await cluster.stop()
        }
    }

    @Test("the probe marks every service NOT_SERVING when nothing answers on the database's port")
    func probeOfClosedPort() async throws {
        // Nothing listens on port 1: the pool keeps retrying to connect, so only the probe's bound ends a query.
        let url = try DatabaseURL(parsing: "postgres://souk@127.0.0.1:1/souk?sslmode=disable")
        let board = HealthStatusBoard()
        for name in ["", "souk.catalog.v1.CatalogService"] { board.set(.serving, for: name) }
        let postgres = DatabaseProbe<ContinuousClock>.pool(url: url, logger: self.logger)
        let probe = DatabaseProbe(
            postgres: postgres,
            board: board,
            clock: ContinuousClock(),
            interval: .milliseconds(50),
            timeout: .seconds(1),
            logger: self.logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            group.addTask { try await probe.run() }
            defer { group.cancelAll() }
            try await Self.poll("the probe finds the database unreachable") { !board.isDatabaseReachable }
            #expect(board.status(of: "") == .notServing)
            #expect(board.status(of: "souk.catalog.v1.CatalogService") == .notServing)
            #expect(board.status(of: "souk.nothing.v1.Nothing") == nil)
        }
    }

    @Test("a pool whose every connection is busy is not a database that is gone: the probe has its own connection")
    func probeBesideABusyPool() async throws {
        try await TestDatabase.withFresh { url, _ in
            var busy = url.makeClientConfiguration()
            busy.options.maximumConnections = 1
            let pool = PostgresClient(configuration: busy, backgroundLogger: self.logger)
            let board = HealthStatusBoard()
            board.setDatabaseReachable(false)
            let own = DatabaseProbe<ContinuousClock>.pool(url: url, logger: self.logger)
            let probe = DatabaseProbe(
                postgres: own,
                board: board,
                clock: ContinuousClock(),
                interval: .milliseconds(100),
                // Generous for a loaded machine, and still a third of the busy connection's sleep.
                timeout: .seconds(10),
                logger: self.logger
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await pool.run() }
                // The pool's only connection sleeps far longer than the probe waits for an answer.
                group.addTask { try await pool.query("SELECT pg_sleep(30)", logger: self.logger) }
                group.addTask { await own.run() }
                group.addTask { try await probe.run() }
                defer { group.cancelAll() }
                try await Self.poll("the probe finds the database reachable") { board.isDatabaseReachable }
                #expect(board.isDatabaseReachable)
                // Still reachable at the next probes, with the pool as busy as before.
                for _ in 0..<3 {
                    #expect(await probe.probe())
                }
            }
        }
    }

    @Test("a connection failure is recognised as GRPCCore hands it to an outer interceptor: wrapped in UNKNOWN")
    func connectionFailureThroughWrappers() async throws {
        // A real PSQLError: nothing listens on port 1.
        let configuration = PostgresConnection.Configuration(
            host: "127.0.0.1",
            port: 1,
            username: "souk",
            password: nil,
            database: "souk",
            tls: .disable
        )
        let failure = await #expect(throws: PSQLError.self) {
            _ = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: self.logger)
        }
        let refused = try #require(failure)
        #expect(DatabaseAvailabilityInterceptor.isConnectionFailure(refused))
        // What an inner interceptor's `next` makes of a handler's thrown error.
        #expect(
            DatabaseAvailabilityInterceptor.isConnectionFailure(RPCError(code: .unknown, message: "", cause: refused))
        )
        // A status a service chose is its own, whatever its cause; and an unrelated cause is not the database.
        #expect(
            !DatabaseAvailabilityInterceptor.isConnectionFailure(
                RPCError(code: .internalError, message: "x", cause: refused)
            )
        )
        #expect(
            !DatabaseAvailabilityInterceptor.isConnectionFailure(
                RPCError(code: .unknown, message: "", cause: CancellationError())
            )
        )
        #expect(!DatabaseAvailabilityInterceptor.isConnectionFailure(CancellationError()))
    }

    /// The status of the server and of each service the default host runs.
    private static func statuses(
        _ health: Grpc_Health_V1_Health.Client<HTTP2ClientTransport.Posix>
    ) async throws -> [Grpc_Health_V1_HealthCheckResponse.ServingStatus] {
        var statuses: [Grpc_Health_V1_HealthCheckResponse.ServingStatus] = []
        for service in ["", "grpc.health.v1.Health", "souk.catalog.v1.CatalogService"] {
            var request = Grpc_Health_V1_HealthCheckRequest()
            request.service = service
            statuses.append(try await health.check(request).status)
        }
        return statuses
    }

    /// Checks `condition` until it holds, for up to 60 s.
    private static func poll(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting until \(what)")
    }
}

import Foundation
import GRPCCore
import SoukAPI
import Synchronization

/// What the soak phase measured.
package struct SoakPhaseResult: Sendable, Hashable, Codable {
    package var warmupSeconds: Int
    package var seconds: Int
    /// Calls made between the two readings.
    package var measuredCalls: Int
    /// Calls that failed over the whole phase, and the first few causes.
    package var errors: Int
    package var firstErrors: [String]
    package var drift: ResourceDrift

    package var problems: [String] {
        var problems = self.drift.problems
        if self.errors > 0 {
            problems.append("\(self.errors) call(s) failed: \(self.firstErrors.joined(separator: "; "))")
        }
        if self.measuredCalls == 0 { problems.append("no call completed between the readings") }
        return problems
    }
}

/// Customers browse, fill carts and order without a pause; after the warm-up and again at the end, soukd's
/// resident memory, open descriptors and PostgreSQL connections are read (medians of five readings a second
/// apart) and compared.
package struct SoakPhase: Sendable {
    package var plan: ChaosPlan

    package init(plan: ChaosPlan) {
        self.plan = plan
    }

    package func run(progress: @escaping @Sendable (String) -> Void) async throws -> SoakPhaseResult {
        let plan = self.plan
        return try await ChaosShop.onThrowawayCluster(
            phase: "soak",
            soukd: plan.soukd,
            customers: plan.soak.customers,
            progress: progress
        ) { shop, client, cluster in
            try await Self.measure(shop, client, cluster: cluster, plan: plan, progress: progress)
        }
    }

    /// Calls made and errors met by the customers, shared by their tasks.
    private final class Counts: Sendable {
        private let state = Mutex((calls: 0, errors: 0, firstErrors: [String]()))

        func called(_ count: Int) { self.state.withLock { $0.calls += count } }

        func failed(_ message: String) {
            self.state.withLock { state in
                state.errors += 1
                if state.firstErrors.count < 3 { state.firstErrors.append(message) }
            }
        }

        var snapshot: (calls: Int, errors: Int, firstErrors: [String]) { self.state.withLock { $0 } }
    }

    private static func measure<Transport: ClientTransport>(
        _ shop: ChaosShop,
        _ client: GRPCClient<Transport>,
        cluster: ThrowawayCluster,
        plan: ChaosPlan,
        progress: @escaping @Sendable (String) -> Void
    ) async throws -> SoakPhaseResult {
        let clock = ContinuousClock()
        let counts = Counts()
        progress(
            "soak: \(plan.soak.customers) customers without a pause: \(plan.soak.warmupSeconds) s warm-up, "
                + "then \(plan.soak.seconds) s measured"
        )
        let (warm, end, measuredCalls) = try await withThrowingTaskGroup(
            of: (ResourceSample, ResourceSample, Int)?.self
        ) { group in
            for customer in shop.fixture.customers {
                group.addTask {
                    await Self.shop(as: customer, client: client, fixture: shop.fixture, counts: counts)
                    return nil
                }
            }
            group.addTask {
                try await clock.sleep(for: .seconds(plan.soak.warmupSeconds))
                let warm = try await Self.sample(shop.server, cluster, clock)
                let warmCalls = counts.snapshot.calls
                progress("soak: warm-up over (\(Format.mebibytes(warm.residentBytes)) resident); measuring")
                try await clock.sleep(for: .seconds(plan.soak.seconds))
                let end = try await Self.sample(shop.server, cluster, clock)
                return (warm, end, counts.snapshot.calls - warmCalls)
            }
            var readings: (ResourceSample, ResourceSample, Int)? = nil
            while readings == nil, let done = try await group.next() {
                readings = done
            }
            group.cancelAll()
            guard let readings else {
                throw BenchError.scenarioFailed(scenario: "soak", wire: "SWP", cause: "no readings were taken")
            }
            return readings
        }
        let snapshot = counts.snapshot
        return SoakPhaseResult(
            warmupSeconds: plan.soak.warmupSeconds,
            seconds: plan.soak.seconds,
            measuredCalls: measuredCalls,
            errors: snapshot.errors,
            firstErrors: snapshot.firstErrors,
            drift: ResourceDrift(warm: warm, end: end)
        )
    }

    /// One customer's loop until cancelled: search, own account, cart line, order, own orders.
    private static func shop<Transport: ClientTransport>(
        as customer: ShopCustomer,
        client: GRPCClient<Transport>,
        fixture: ShopFixture,
        counts: Counts
    ) async {
        let catalog = Souk_Catalog_V1_CatalogService.Client(wrapping: client)
        let orders = Souk_Catalog_V1_OrderService.Client(wrapping: client)
        let identity = Souk_Identity_V1_IdentityService.Client(wrapping: client)
        var options = CallOptions.defaults
        options.timeout = .seconds(30)
        options.waitForReady = false
        var token = customer.accessToken
        while !Task.isCancelled {
            do {
                let bearer: Metadata = ["authorization": "Bearer \(token)"]
                var search = Souk_Catalog_V1_SearchProductsRequest()
                search.query = fixture.searchWords[0]
                search.pageSize = 10
                _ = try await catalog.searchProducts(search, options: options)
                _ = try await identity.getMyAccount(
                    Souk_Identity_V1_GetMyAccountRequest(),
                    metadata: bearer,
                    options: options
                )
                var line = Souk_Catalog_V1_SetCartLineRequest()
                line.sku = fixture.skus[0]
                line.quantity = 1
                _ = try await catalog.setCartLine(line, metadata: bearer, options: options)
                var place = Souk_Catalog_V1_PlaceOrderRequest()
                place.idempotencyKey = UUID().uuidString
                place.currency = "RUB"
                _ = try await orders.placeOrder(place, metadata: bearer, options: options)
                var mine = Souk_Catalog_V1_ListMyOrdersRequest()
                mine.pageSize = 5
                _ = try await orders.listMyOrders(mine, metadata: bearer, options: options)
                counts.called(5)
            } catch let error as RPCError where error.code == .unauthenticated {
                // The access token expired during a long soak: sign in again (not an error of the server's).
                var login = Souk_Identity_V1_LoginRequest()
                login.email = customer.email
                login.password = customer.password
                if let tokens = try? await identity.login(login, options: options).tokens {
                    token = tokens.accessToken
                } else {
                    counts.failed("\(customer.email): cannot sign in again")
                }
            } catch {
                if Task.isCancelled { return }
                counts.failed("\(customer.email): \(BenchError.describe(error))")
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Medians of five readings a second apart.
    private static func sample(
        _ server: ShopServer,
        _ cluster: ThrowawayCluster,
        _ clock: ContinuousClock
    ) async throws -> ResourceSample {
        var samples: [ResourceSample] = []
        for index in 0..<5 {
            if index > 0 { try await clock.sleep(for: .seconds(1)) }
            samples.append(try await Self.reading(server, cluster))
        }
        return ResourceSample.median(samples)!
    }

    private static func reading(_ server: ShopServer, _ cluster: ThrowawayCluster) async throws -> ResourceSample {
        let process = server.process
        guard let pid = process.pid, let resident = process.residentBytes(),
            let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
        else {
            throw BenchError.server("cannot read soukd's memory and descriptors in /proc: has it exited?")
        }
        let connections = try await cluster.query(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return ResourceSample(residentBytes: resident, descriptors: descriptors, databaseConnections: Int(connections))
    }
}

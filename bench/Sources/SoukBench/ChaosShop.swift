import Foundation
package import GRPCCore
import SoukClient
package import SoukWire

/// A shop a chaos phase runs against: soukd (identity and catalog, as the process tests run it; payments are
/// left out because the sandbox's providers live in soukd's memory), a client over SWP that reconnects quickly,
/// and the seeded fixture (one product, its two SKUs stocked, the customers signed up).
package struct ChaosShop: Sendable {
    /// The services a chaos phase's soukd hosts.
    package static let services = "identity,catalog"
    /// The admin `soukd bootstrap-admin` creates.
    static let adminEmail = "chaos-admin@souk.example"

    package let server: ShopServer
    package let fixture: ShopFixture

    /// Starts soukd (on `database`, or its embedded cluster), connects, seeds `customers` customers, runs `body`,
    /// and stops soukd whatever happens.
    package static func with<Result: Sendable>(
        soukd: String,
        database: ShopServer.ExternalDatabase?,
        customers: Int,
        progress: @escaping @Sendable (String) -> Void,
        _ body: (ChaosShop, GRPCClient<SWPClientTransport>) async throws -> Result
    ) async throws -> Result {
        progress(
            "starting soukd (\(Self.services)) on \(database == nil ? "its embedded PostgreSQL" : "a throwaway cluster")"
        )
        let server = try await ShopServer.start(
            soukd: soukd,
            adminEmail: Self.adminEmail,
            launch: ShopServer.Launch(services: Self.services, database: database)
        )
        do {
            let result = try await Self.connect(to: server.endpoint) { client in
                let fixture = try await ShopSeeder(client: client).seed(
                    admin: server.admin,
                    products: 1,
                    customers: customers,
                    progress: progress
                )
                return try await body(ChaosShop(server: server, fixture: fixture), client)
            }
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// ``with(soukd:database:customers:progress:_:)`` on a throwaway PostgreSQL cluster of its own, which `body`
    /// also gets (to stop and start it) and which is removed afterwards whatever happens.
    package static func onThrowawayCluster<Result: Sendable>(
        phase: String,
        soukd: String,
        customers: Int,
        progress: @escaping @Sendable (String) -> Void,
        _ body: (ChaosShop, GRPCClient<SWPClientTransport>, ThrowawayCluster) async throws -> Result
    ) async throws -> Result {
        progress("\(phase): creating a throwaway PostgreSQL cluster")
        let cluster = try await ThrowawayCluster.create()
        do {
            let result = try await Self.with(
                soukd: soukd,
                database: ShopServer.ExternalDatabase(url: cluster.url, socket: cluster.socket),
                customers: customers,
                progress: progress
            ) { shop, client in
                try await body(shop, client, cluster)
            }
            await cluster.remove()
            return result
        } catch {
            await cluster.remove()
            throw error
        }
    }

    /// The SKU every order holds one unit of.
    package var sku: String { self.fixture.skus[0] }

    /// A client over SWP to `endpoint` whose transport tries again within half a second after soukd goes away
    /// (the library's default backoff grows to two minutes, which would measure the client, not the server).
    static func connect<Result: Sendable>(
        to endpoint: ServerEndpoint,
        _ body: (GRPCClient<SWPClientTransport>) async throws -> Result
    ) async throws -> Result {
        let config = ClientConfig(
            host: endpoint.host,
            port: endpoint.swpPort,
            trust: endpoint.certificateAuthority.map { .certificateAuthority(path: $0) } ?? .plaintext
        )
        var wire = SoukConnection.wireConfig(for: config)
        wire.backoffInitial = .milliseconds(100)
        wire.backoffMaximum = .milliseconds(500)
        return try await withGRPCClient(transport: SWPClientTransport(config: wire), handleClient: body)
    }
}

import Foundation
import GRPCCore
import Logging
import PostgresNIO
import SoukAPI
import SoukHost
import SoukIdentity
import SoukStorage
import TestSupport
import Testing

/// The product cache against PostgreSQL: it serves from memory, and a change, committed by this host, by SQL or by
/// another host on the same database, is seen.
@Suite("Product reads from memory, coherent across hosts")
struct ProductCacheCoherenceTests {
    typealias Catalog = any Souk_Catalog_V1_CatalogService.ClientProtocol
    static let logger = Logger(label: "test")

    static func read(_ catalog: Catalog, _ id: String) async throws -> Souk_Catalog_V1_Product {
        var get = Souk_Catalog_V1_GetProductRequest()
        get.productID = id
        get.currency = "RUB"
        return try await catalog.getProduct(get)
    }

    /// Sets the product's title behind every cache's back: with its notification trigger off.
    static func retitleUnheard(_ id: String, _ title: String, db: PostgresClient) async throws {
        _ = try await db.withGuardedTransaction(logger: Self.logger) { connection in
            try await connection.guardedQuery(
                "ALTER TABLE catalog.products DISABLE TRIGGER products_notify",
                logger: Self.logger
            )
            try await connection.guardedQuery(
                "UPDATE catalog.products SET title = \(title) WHERE id = \(UUID(uuidString: id))",
                logger: Self.logger
            )
            try await connection.guardedQuery(
                "ALTER TABLE catalog.products ENABLE TRIGGER products_notify",
                logger: Self.logger
            )
        }
    }

    /// Waits until `catalog` serves product `id` from memory: a title changed unheard is not seen. Returns the
    /// title it still shows; the database has another.
    static func waitUntilKept(_ catalog: Catalog, _ id: String, db: PostgresClient) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(30)
        var attempt = 0
        while ContinuousClock.now < deadline {
            attempt += 1
            let before = try await Self.read(catalog, id).title
            try await Self.retitleUnheard(id, "unheard \(attempt)", db: db)
            if try await Self.read(catalog, id).title == before { return before }
            // Not serving yet (its listener is still connecting): try again.
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the product was never served from memory within 30 seconds")
        return ""
    }

    /// Reads product `id` until `done` holds for it, at most 30 seconds; the last read.
    static func eventually(
        _ catalog: Catalog,
        _ id: String,
        _ what: String,
        until done: (Souk_Catalog_V1_Product) -> Bool
    ) async throws -> Souk_Catalog_V1_Product {
        let deadline = ContinuousClock.now + .seconds(30)
        var product = try await Self.read(catalog, id)
        while !done(product), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            product = try await Self.read(catalog, id)
        }
        #expect(done(product), "\(what) not seen within 30 seconds")
        return product
    }

    @Test("kept in memory; this host's change is seen at once, a committed SQL change as soon as it is heard")
    func sameHost() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let (product, _) = try await ProductEditingTests.setUp(harness, admin: admin)
            try await TestDatabase.withClient(harness.databaseURL) { db in
                let kept = try await Self.waitUntilKept(harness.catalog, product.id, db: db)
                #expect(try await Self.titleInDatabase(product.id, db: db) != kept)

                var update = Souk_Catalog_V1_UpdateProductRequest()
                update.productID = product.id
                update.title = "Changed here"
                _ = try await harness.catalog.updateProduct(update, metadata: admin)
                #expect(try await Self.read(harness.catalog, product.id).title == "Changed here")

                _ = try await Self.waitUntilKept(harness.catalog, product.id, db: db)
                try await db.guardedQuery(
                    "UPDATE catalog.products SET title = 'Changed by SQL' WHERE id = \(UUID(uuidString: product.id))",
                    logger: Self.logger
                )
                _ = try await Self.eventually(harness.catalog, product.id, "the SQL change") {
                    $0.title == "Changed by SQL"
                }
            }
        }
    }

    @Test("another host on the same database sees a price, a stock level and a title changed here")
    func otherHost() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let (product, _) = try await ProductEditingTests.setUp(harness, admin: admin)
            try await TestDatabase.withClient(harness.databaseURL) { db in
                // The same data folder: its data key ring is the one the database's sealed rows were sealed with.
                do {
                    try await withRunningHost(
                        databaseURL: harness.databaseURL,
                        dataFolder: harness.config.dataFolder
                    ) { config in
                        config.services = [.catalog, .identity]
                        config.identity.passwordParameters = .testing
                        config.listens = false
                    } _: { _, replica, _ in
                        let other = Souk_Catalog_V1_CatalogService.Client(wrapping: replica.inProcessClient)
                        _ = try await Self.waitUntilKept(other, product.id, db: db)

                        var update = Souk_Catalog_V1_UpdateProductRequest()
                        update.productID = product.id
                        var prices = Souk_Catalog_V1_SkuPrices()
                        prices.sku = "MUG-350"
                        prices.prices = [CatalogServiceTests.price(150_000, "RUB")]
                        update.skuPrices = [prices]
                        update.title = "Retitled elsewhere"
                        _ = try await harness.catalog.updateProduct(update, metadata: admin)
                        let seen = try await Self.eventually(other, product.id, "the new price and title") {
                            $0.title == "Retitled elsewhere" && $0.skus.first?.displayPrice.minorUnits == 150_000
                        }
                        #expect(seen.skus.first?.prices.map(\.currency) == ["RUB"])

                        for (onHand, inStock) in [(5, true), (0, false)] {
                            var stock = Souk_Catalog_V1_SetStockRequest()
                            stock.sku = "MUG-350"
                            stock.warehouse = "MSK-1"
                            stock.onHand = Int32(onHand)
                            _ = try await harness.catalog.setStock(stock, metadata: admin)
                            // Stock in another warehouse would keep it in stock: set SPB-1 alike.
                            stock.warehouse = "SPB-1"
                            _ = try await harness.catalog.setStock(stock, metadata: admin)
                            _ = try await Self.eventually(other, product.id, "in stock: \(inStock)") {
                                $0.skus.first?.inStock == inStock
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("a listener whose connection is lost drops what it kept: what changed meanwhile is read, not missed")
    func listenerLost() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let (product, _) = try await ProductEditingTests.setUp(harness, admin: admin)
            try await TestDatabase.withClient(harness.databaseURL) { db in
                _ = try await Self.waitUntilKept(harness.catalog, product.id, db: db)
                let listeners = try await Self.listeners(db)
                #expect(listeners.count == 1)
                try await db.guardedQuery(
                    "SELECT pg_terminate_backend(\(listeners.first ?? 0))",
                    logger: Self.logger
                )
                try await Self.retitleUnheard(product.id, "changed while nobody listened", db: db)
                // Once it listens again on a new connection, what it kept before is gone.
                let deadline = ContinuousClock.now + .seconds(30)
                var now = try await Self.listeners(db)
                while now.isEmpty || now == listeners, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                    now = try await Self.listeners(db)
                }
                #expect(!now.isEmpty && now != listeners)
                #expect(try await Self.read(harness.catalog, product.id).title == "changed while nobody listened")
            }
        }
    }

    static func titleInDatabase(_ id: String, db: PostgresClient) async throws -> String? {
        let rows = try await db.guardedQuery(
            "SELECT title FROM catalog.products WHERE id = \(UUID(uuidString: id))",
            logger: Self.logger
        )
        for try await title in rows.decode(String.self) { return title }
        return nil
    }

    /// The process ids of the backends listening on the catalog's channel.
    static func listeners(_ db: PostgresClient) async throws -> [Int32] {
        let rows = try await db.guardedQuery(
            """
            SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND query = 'LISTEN "souk_catalog";'
            ORDER BY pid
            """,
            logger: Self.logger
        )
        var pids: [Int32] = []
        for try await pid in rows.decode(Int32.self) { pids.append(pid) }
        return pids
    }
}

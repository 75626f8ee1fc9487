import Foundation
import GRPCCore
import Logging
import PostgresNIO
import SoukAPI
import SoukDemoSeed
import SoukHost
import SoukStorage
import Synchronization
import TestSupport
import Testing

/// `soukd serve --seed-demo` on fresh databases: what it creates, that it creates it identically every time, and
/// that it leaves a catalog with products alone.
@Suite("Demo seed")
struct DemoSeedTests {
    /// Everything the seed wrote that must not depend on the run: catalog, stock, customers, orders.
    struct Snapshot: Equatable {
        var categories: [String] = []
        var products: [String] = []
        var stock: [String] = []
        var customers: [String] = []
        var orders: [String] = []
        var skuCount = 0
    }

    /// Runs a host with the seed on a fresh database, then `body` with it, an admin's metadata and the snapshot.
    static func withSeededHost(
        _ body: @Sendable (IdentityHarness, Metadata, Snapshot) async throws -> Void
    ) async throws {
        let seeding: @Sendable (inout HostConfig) -> Void = { $0.seedDemo = true }
        try await IdentityHarness.with(configure: seeding) { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let snapshot = try await Self.snapshot(harness, admin: admin)
            try await body(harness, admin, snapshot)
        }
    }

    static func snapshot(_ harness: IdentityHarness, admin: Metadata) async throws -> Snapshot {
        var snapshot = Snapshot()
        let categories = try await harness.catalog.listCategories(Souk_Catalog_V1_ListCategoriesRequest()).categories
        let slugs = Dictionary(uniqueKeysWithValues: categories.map { ($0.id, $0.slug) })
        snapshot.categories = categories.map { "\($0.slug) \($0.name) in \(slugs[$0.parentID] ?? "-")" }.sorted()

        var search = Souk_Catalog_V1_SearchProductsRequest()
        search.pageSize = 100
        repeat {
            let page = try await harness.catalog.searchProducts(search)
            for product in page.products {
                let skus = product.skus.map { sku in
                    let prices = sku.prices.map { "\($0.minorUnits) \($0.currency)" }.joined(separator: ", ")
                    let size = sku.package
                    let package = "package \(size.weightGrams)g \(size.lengthMm)x\(size.widthMm)x\(size.heightMm)mm"
                    return "\(sku.code) \(sku.attributes.sorted { $0.key < $1.key }) [\(prices)] \(package)"
                }
                snapshot.skuCount += skus.count
                snapshot.products.append(
                    [
                        product.title, slugs[product.categoryID] ?? "?", product.description_p,
                        "\(product.attributes.sorted { $0.key < $1.key })", "\(product.state)",
                        product.imageUrls.joined(separator: ", "),
                    ].joined(separator: " | ") + " | " + skus.joined(separator: "; ")
                )
            }
            search.pageToken = page.nextPageToken
        } while !search.pageToken.isEmpty
        snapshot.products.sort()

        var emails: [String: String] = [:]
        try await TestDatabase.withClient(harness.databaseURL) { client in
            let stock = try await client.query(
                "SELECT sku, warehouse, on_hand, reserved FROM catalog.stock ORDER BY sku, warehouse",
                logger: Logger(label: "test")
            )
            for try await (sku, warehouse, onHand, reserved) in stock.decode((String, String, Int, Int).self) {
                snapshot.stock.append("\(sku) \(warehouse) \(onHand) \(reserved)")
            }
        }
        // Emails are sealed at rest (a random nonce per row), so the customers are compared as the API shows them.
        var accounts = Souk_Identity_V1_ListAccountsRequest()
        accounts.role = .customer
        accounts.pageSize = 200
        repeat {
            let page = try await harness.identity.listAccounts(accounts, metadata: admin)
            for account in page.accounts {
                emails[account.id] = account.email
                snapshot.customers.append(
                    "\(account.email) \(account.displayName) \(account.preferredCurrency) \(account.locale)"
                )
            }
            accounts.pageToken = page.nextPageToken
        } while !accounts.pageToken.isEmpty
        snapshot.customers.sort()

        var list = Souk_Catalog_V1_ListOrdersRequest()
        list.pageSize = 100
        var orders: [Souk_Catalog_V1_Order] = []
        repeat {
            let page = try await harness.orders.listOrders(list, metadata: admin)
            orders += page.orders
            list.pageToken = page.nextPageToken
        } while !list.pageToken.isEmpty
        snapshot.orders = orders.sorted { $0.number < $1.number }.map { order in
            let lines = order.lines.map { "\($0.quantity) × \($0.sku) at \($0.unitPrice.minorUnits)" }
            let path = order.history.map { "\($0.to)" }.joined(separator: " → ")
            return "\(emails[order.customerAccountID] ?? "?") \(order.currency) \(order.total.minorUnits) "
                + "\(lines.joined(separator: ", ")) [\(path)]"
        }
        return snapshot
    }

    @Test("an empty catalog gets 12 categories, 300 products, 10 customers and 25 orders; a second run changes nothing")
    func seedsOnce() async throws {
        try await Self.withSeededHost { harness, admin, snapshot in
            #expect(snapshot.categories.count == 12)
            #expect(snapshot.categories.filter { !$0.hasSuffix(" in -") }.count == 6, "six categories are nested")
            #expect(snapshot.products.count == 300)
            #expect(snapshot.products.allSatisfy { $0.contains("| published |") })
            #expect((300...900).contains(snapshot.skuCount))
            // Every SKU has a plausible size: a weight and three sides, none of them 0.
            #expect(
                !snapshot.products.contains { $0.contains("package 0g") || $0.contains("x0") || $0.contains(" 0x") }
            )
            #expect(snapshot.products.contains { $0.contains("package 15500g 1450x230x750mm") }, "a bicycle")
            #expect(
                snapshot.products.contains { $0.contains(" USD") } && snapshot.products.contains { $0.contains(" EUR") }
            )
            #expect(Set(snapshot.stock.map { $0.split(separator: " ")[1] }) == ["MSK-1", "SPB-1"])
            // Every product shows its category's picture, a file the bridge serves from the web root.
            let web = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("clients/web")
            let pictures = snapshot.products.map { $0.firstMatch(of: #/ \| (/shop/img/demo/[a-z]+\.svg) \| /#)?.1 }
            #expect(pictures.allSatisfy { $0 != nil })
            #expect(Set(pictures.compactMap { $0 }).count == 12)
            for picture in Set(pictures.compactMap { $0 }) {
                #expect(FileManager.default.fileExists(atPath: web.path + picture), "\(picture)")
            }
            #expect(snapshot.customers.count == 10)
            #expect(snapshot.customers.first?.hasPrefix(DemoSeed.email(customer: 1)) == true)
            #expect(snapshot.orders.count == 25)
            for status in ["paid", "packed", "shipped", "delivered", "cancelled"] {
                #expect(snapshot.orders.contains { $0.hasSuffix("\(status)]") }, "an order ends \(status)")
            }
            #expect(Set(snapshot.orders.map { $0.split(separator: " ")[1] }) == ["RUB", "USD", "EUR"])

            // A demo customer signs in with the published password and sees their orders.
            let tokens = try await harness.login(email: DemoSeed.email(customer: 1), password: DemoSeed.password).tokens
            let mine = try await harness.orders.listMyOrders(
                Souk_Catalog_V1_ListMyOrdersRequest(),
                metadata: IdentityHarness.bearer(tokens.accessToken)
            )
            #expect(mine.orders.count == snapshot.orders.filter { $0.hasPrefix(DemoSeed.email(customer: 1)) }.count)

            let again = try await TestDatabase.withClient(harness.databaseURL) { client in
                try await DemoSeed(config: harness.config, postgres: client, logger: Logger(label: "test")).run()
            }
            #expect(again == .skipped)
            #expect(try await Self.snapshot(harness, admin: admin) == snapshot)
        }
    }

    @Test("search finds the demo products by Russian and by English words")
    func searchBothLanguages() async throws {
        try await Self.withSeededHost { harness, _, snapshot in
            // "Смартфон Baikal Pro 7 / Baikal Pro 7 smartphone": the first word is Russian, the last English.
            let title = try #require(snapshot.products.first?.split(separator: " | ").first.map(String.init))
            let russian = try #require(title.split(separator: " ").first).lowercased()
            let english = try #require(title.split(separator: " ").last).lowercased()
            for word in [russian, english] {
                var search = Souk_Catalog_V1_SearchProductsRequest()
                search.query = word
                search.pageSize = 100
                let found = try await harness.catalog.searchProducts(search).products
                #expect(found.contains { $0.title == title }, "\(word)")
            }
        }
    }

    @Test("two fresh databases get the same titles, SKUs, prices, stock, customers and orders")
    func deterministic() async throws {
        let first = Mutex<Snapshot?>(nil)
        try await Self.withSeededHost { _, _, snapshot in first.withLock { $0 = snapshot } }
        let expected = try #require(first.withLock { $0 })
        try await Self.withSeededHost { _, _, snapshot in
            #expect(snapshot.products == expected.products)
            #expect(snapshot == expected)
        }
    }
}

import Foundation
import GRPCCore
package import Logging
package import PostgresNIO
import SoukAPI
import SoukAccess
import SoukCatalog
package import SoukIdentity

/// The demo content `soukd serve --seed-demo` loads into an empty catalog: 12 categories (some nested), 300
/// products with Russian and English words, 1–3 SKUs each priced in RUB (some also in USD and EUR), stock in
/// MSK-1 and SPB-1, 10 customers and 25 orders in several states.
///
/// The content comes from ``DemoSeedPlan``, a fixed-seed generator: every run creates the same titles, SKUs and
/// prices. Everything is written through the services' own entry points, as an administrator or as each customer
/// would call them, so the rules (validation, pricing, stock holds, the order state machine) apply. A catalog
/// that has any product is left alone.
package struct DemoSeed: Sendable {
    /// What a run did.
    package enum Outcome: Sendable, Hashable {
        /// The catalog was empty and now holds the demo content.
        case seeded(Counts)
        /// The catalog already had products; nothing was written.
        case skipped
    }

    /// How much was created.
    package struct Counts: Sendable, Hashable {
        package var categories: Int
        package var products: Int
        package var skus: Int
        package var customers: Int
        package var orders: Int
    }

    /// The password every demo customer signs in with; printed in the log when the seed runs.
    package static let password = "souk-demo-2026"

    /// The email of demo customer `number` (1…10): `customer01@demo.souk.local`.
    package static func email(customer number: Int) -> String {
        DemoSeedPlan.email(customer: number)
    }

    /// The account the seed's order status changes are recorded as made by (no one can sign in as it).
    static let actor = "00000000-0000-0000-0000-000000005eed"

    private let identity: IdentityService
    private let catalog: CatalogService
    private let orders: OrderService
    private let postgres: PostgresClient
    private let logger: Logger

    /// A seed writing through `identity` and new catalog and order services on `postgres` (migrated and prepared).
    package init(identity: IdentityService, postgres: PostgresClient, logger: Logger) {
        self.identity = identity
        self.catalog = CatalogService(postgres: postgres, logger: logger)
        self.orders = OrderService(postgres: postgres, logger: logger)
        self.postgres = postgres
        self.logger = logger
    }

    /// Creates the demo content if the catalog has no products.
    package func run() async throws -> Outcome {
        let existing = try await self.postgres.query(
            "SELECT EXISTS (SELECT 1 FROM catalog.products)",
            logger: self.logger
        )
        for try await hasProducts in existing.decode(Bool.self) where hasProducts {
            self.logger.info("demo seed skipped: the catalog already has products")
            return .skipped
        }
        let started = ContinuousClock.now
        let plan = DemoSeedPlan.make()
        let admin = Caller(
            accountID: Self.actor,
            sessionID: nil,
            roles: [.admin],
            scopes: [],
            mustChangePassword: false,
            clientAddress: "127.0.0.1"
        )
        // The customers' password hashing runs on the thread pool while the catalog is written.
        async let signedUp = self.signUp(plan.customers)
        try await Caller.$current.withValue(admin) { try await self.createCatalog(plan) }
        let accounts = try await signedUp
        for (number, order) in plan.orders.enumerated() {
            try await self.place(order, number: number, account: accounts[order.customer], admin: admin)
        }
        let counts = Counts(
            categories: plan.categories.count,
            products: plan.products.count,
            skus: plan.products.reduce(0) { $0 + $1.skus.count },
            customers: plan.customers.count,
            orders: plan.orders.count
        )
        self.logger.notice(
            """
            demo seed: \(counts.categories) categories, \(counts.products) products (\(counts.skus) SKUs), \
            \(counts.orders) orders in \(ContinuousClock.now - started); customers \(Self.email(customer: 1)) … \
            \(Self.email(customer: counts.customers)) sign in with the password '\(Self.password)'
            """
        )
        return .seeded(counts)
    }

    private func createCatalog(_ plan: DemoSeedPlan) async throws {
        var ids: [String: String] = [:]
        for category in plan.categories {
            var request = Souk_Catalog_V1_CreateCategoryRequest()
            request.name = category.name
            request.slug = category.slug
            request.parentID = category.parent.flatMap { ids[$0] } ?? ""
            ids[category.slug] = try await self.catalog.createCategory(
                request: request,
                context: Self.context(Souk_Catalog_V1_CatalogService.Method.CreateCategory.descriptor)
            ).id
        }
        // A few products at a time: each is its own calls and transactions, and the seed runs at every fresh start.
        let workers = 4
        let categories = ids
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    for index in stride(from: worker, to: plan.products.count, by: workers) {
                        let product = plan.products[index]
                        try await self.create(product, category: categories[product.category] ?? "")
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private func create(_ product: DemoSeedPlan.Product, category: String) async throws {
        var request = Souk_Catalog_V1_CreateProductRequest()
        request.categoryID = category
        request.title = product.title
        request.description_p = product.description
        request.attributes = product.attributes
        request.imageUrls = product.imageURLs
        request.skus = product.skus.map { sku in
            var message = Souk_Catalog_V1_Sku()
            message.code = sku.code
            message.attributes = sku.attributes
            message.prices = sku.prices.map { price in
                var money = Souk_Catalog_V1_Money()
                money.currency = price.currency
                money.minorUnits = price.minorUnits
                return money
            }
            message.package.weightGrams = Int32(sku.packageSize.grams)
            message.package.lengthMm = Int32(sku.packageSize.length)
            message.package.widthMm = Int32(sku.packageSize.width)
            message.package.heightMm = Int32(sku.packageSize.height)
            return message
        }
        let created = try await self.catalog.createProduct(
            request: request,
            context: Self.context(Souk_Catalog_V1_CatalogService.Method.CreateProduct.descriptor)
        )
        var publish = Souk_Catalog_V1_PublishProductRequest()
        publish.productID = created.id
        _ = try await self.catalog.publishProduct(
            request: publish,
            context: Self.context(Souk_Catalog_V1_CatalogService.Method.PublishProduct.descriptor)
        )
        for sku in product.skus {
            // A warehouse without units has no stock row rather than a zero one: one call fewer.
            for (warehouse, units) in [("MSK-1", sku.moscow), ("SPB-1", sku.petersburg)] where units > 0 {
                var stock = Souk_Catalog_V1_SetStockRequest()
                stock.sku = sku.code
                stock.warehouse = warehouse
                stock.onHand = Int32(units)
                _ = try await self.catalog.setStock(
                    request: stock,
                    context: Self.context(Souk_Catalog_V1_CatalogService.Method.SetStock.descriptor)
                )
            }
        }
    }

    /// Signs the customers up as they would themselves; returns their account ids.
    private func signUp(_ customers: [DemoSeedPlan.Customer]) async throws -> [String] {
        // Together: each sign-up hashes its password with the configured scrypt cost on the thread pool.
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (index, customer) in customers.enumerated() {
                var request = Souk_Identity_V1_SignUpRequest()
                request.email = customer.email
                request.password = Self.password
                request.profile.displayName = customer.displayName
                request.profile.preferredCurrency = customer.currency
                request.profile.locale = customer.locale
                group.addTask {
                    let response = try await self.identity.signUp(
                        request: request,
                        context: Self.context(Souk_Identity_V1_IdentityService.Method.SignUp.descriptor)
                    )
                    return (index, response.account.id)
                }
            }
            var accounts = Array(repeating: "", count: customers.count)
            for try await (index, account) in group { accounts[index] = account }
            return accounts
        }
    }

    /// Fills the customer's cart, places the order from it, then moves it along its path as staff would.
    private func place(_ order: DemoSeedPlan.Order, number: Int, account: String, admin: Caller) async throws {
        let customer = Caller(
            accountID: account,
            sessionID: nil,
            roles: [.customer],
            scopes: [],
            mustChangePassword: false,
            clientAddress: "127.0.0.1"
        )
        let placed = try await Caller.$current.withValue(customer) {
            for line in order.lines {
                var request = Souk_Catalog_V1_SetCartLineRequest()
                request.sku = line.sku
                request.quantity = Int32(line.quantity)
                request.currency = order.currency
                _ = try await self.catalog.setCartLine(
                    request: request,
                    context: Self.context(Souk_Catalog_V1_CatalogService.Method.SetCartLine.descriptor)
                )
            }
            var request = Souk_Catalog_V1_PlaceOrderRequest()
            request.idempotencyKey = "demo-seed-\(number + 1)"
            request.currency = order.currency
            return try await self.orders.placeOrder(
                request: request,
                context: Self.context(Souk_Catalog_V1_OrderService.Method.PlaceOrder.descriptor)
            )
        }
        try await Caller.$current.withValue(admin) {
            for status in order.path {
                var request = Souk_Catalog_V1_UpdateOrderStatusRequest()
                request.orderID = placed.id
                request.status = status
                request.note = "demo seed"
                _ = try await self.orders.updateOrderStatus(
                    request: request,
                    context: Self.context(Souk_Catalog_V1_OrderService.Method.UpdateOrderStatus.descriptor)
                )
            }
        }
    }

    /// The context of a call made in-process by the host itself.
    private static func context(_ method: MethodDescriptor) -> ServerContext {
        ServerContext(
            descriptor: method,
            remotePeer: "in-process:demo-seed",
            localPeer: "in-process:demo-seed",
            cancellation: ServerContext.RPCCancellationHandle()
        )
    }
}

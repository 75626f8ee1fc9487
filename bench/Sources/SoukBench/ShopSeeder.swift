import Foundation
package import GRPCCore
import SoukAPI

/// What the seeded shop holds, for the load to pick from.
package struct ShopFixture: Sendable {
    /// Ids of the published products.
    package var productIDs: [String]
    /// Every SKU code, each with ample stock.
    package var skus: [String]
    /// Words that each find at least one product (English and Russian).
    package var searchWords: [String]
    /// The customers the order load signs in as.
    package var customers: [ShopCustomer]
    /// The bootstrapped admin, signed in with the password the seeder gave it (staff calls: orders, stock).
    package var staff: ShopCustomer

    /// The currencies every SKU is priced in, which lookups and searches ask for.
    package static var currencies: [String] { ["RUB", "USD", "EUR"] }
}

/// A signed-up customer and their current access token.
package struct ShopCustomer: Sendable {
    package var email: String
    package var password: String
    package var accessToken: String
    /// When the access token expires, in Unix milliseconds.
    package var expiresAtUnixMs: Int64
}

/// Fills a fresh shop through the typed client only, as a merchant and customers would: the bootstrapped admin
/// changes the one-time password; categories, published products with SKUs priced in RUB, USD and EUR and
/// 1,000,000 units of stock each; customers sign up and log in.
package struct ShopSeeder<Transport: ClientTransport>: Sendable {
    private let identity: Souk_Identity_V1_IdentityService.Client<Transport>
    private let catalog: Souk_Catalog_V1_CatalogService.Client<Transport>
    private let options: CallOptions

    /// Product nouns in English and Russian; each product's title carries one pair, so each word finds about
    /// a tenth of the catalog.
    static var nouns: [(english: String, russian: String)] {
        [
            ("mug", "кружка"), ("teapot", "заварник"), ("plate", "тарелка"), ("bowl", "миска"), ("glass", "стакан"),
            ("spoon", "ложка"), ("fork", "вилка"), ("knife", "нож"), ("pan", "сковорода"), ("jar", "банка"),
        ]
    }

    package init(client: GRPCClient<Transport>) {
        self.identity = Souk_Identity_V1_IdentityService.Client(wrapping: client)
        self.catalog = Souk_Catalog_V1_CatalogService.Client(wrapping: client)
        var options = CallOptions.defaults
        options.timeout = .seconds(60)
        options.waitForReady = false
        self.options = options
    }

    /// Seeds `products` products and `customers` customers; `progress` gets a line per step.
    ///
    /// - Throws: ``BenchError/scenarioFailed(scenario:wire:cause:)`` naming the call that failed.
    package func seed(
        admin: (email: String, oneTimePassword: String),
        products: Int,
        customers: Int,
        progress: @Sendable (String) -> Void
    ) async throws -> ShopFixture {
        progress("seeding: admin")
        let staffAccount = try await Self.step("admin login and password change") {
            try await self.adminAccount(admin)
        }
        let staff: Metadata = ["authorization": "Bearer \(staffAccount.accessToken)"]
        var categoryIDs: [String] = []
        for (slug, name) in [("kitchen", "Кухня"), ("tableware", "Посуда"), ("storage", "Хранение")] {
            var request = Souk_Catalog_V1_CreateCategoryRequest()
            request.name = name
            request.slug = "bench-\(slug)"
            let category = try await Self.step("CreateCategory \(slug)") {
                try await self.catalog.createCategory(request, metadata: staff, options: self.options)
            }
            categoryIDs.append(category.id)
        }
        let categories = categoryIDs
        let created = try await Self.concurrently(count: products, width: 8, progress: progress, what: "products") {
            index in
            try await self.product(index, category: categories[index % categories.count], staff: staff)
        }
        let signedUp = try await Self.concurrently(count: customers, width: 4, progress: progress, what: "customers") {
            index in
            try await self.customer(index)
        }
        progress("seeding: checking the search words")
        var words: [String] = []
        for noun in Self.nouns {
            for word in [noun.english, noun.russian] {
                var request = Souk_Catalog_V1_SearchProductsRequest()
                request.query = word
                let page = try await Self.step("SearchProducts '\(word)'") {
                    try await self.catalog.searchProducts(request, options: self.options)
                }
                if !page.products.isEmpty { words.append(word) }
            }
        }
        guard !words.isEmpty else {
            throw BenchError.scenarioFailed(
                scenario: "seeding the shop",
                wire: "SWP",
                cause: "no product word finds anything in SearchProducts"
            )
        }
        return ShopFixture(
            productIDs: created.map(\.id),
            skus: created.flatMap(\.skus),
            searchWords: words,
            customers: signedUp,
            staff: staffAccount
        )
    }

    /// Logs every customer in again (fresh access tokens).
    package func login(_ customers: [ShopCustomer]) async throws -> [ShopCustomer] {
        let quiet: @Sendable (String) -> Void = { _ in }
        return try await Self.concurrently(count: customers.count, width: 4, progress: quiet, what: "logins") { index in
            var customer = customers[index]
            let tokens = try await Self.step("Login \(customer.email)") {
                try await self.login(email: customer.email, password: customer.password)
            }
            customer.accessToken = tokens.accessToken
            customer.expiresAtUnixMs = tokens.accessExpiresAtUnixMs
            return customer
        }
    }

    private func adminAccount(_ admin: (email: String, oneTimePassword: String)) async throws -> ShopCustomer {
        let first = try await self.login(email: admin.email, password: admin.oneTimePassword)
        var change = Souk_Identity_V1_ChangePasswordRequest()
        change.currentPassword = admin.oneTimePassword
        change.newPassword = "bench admin \(UUID().uuidString)"
        _ = try await self.identity.changePassword(
            change,
            metadata: ["authorization": "Bearer \(first.accessToken)"],
            options: self.options
        )
        let tokens = try await self.login(email: admin.email, password: change.newPassword)
        return ShopCustomer(
            email: admin.email,
            password: change.newPassword,
            accessToken: tokens.accessToken,
            expiresAtUnixMs: tokens.accessExpiresAtUnixMs
        )
    }

    private func login(email: String, password: String) async throws -> Souk_Identity_V1_TokenPair {
        var request = Souk_Identity_V1_LoginRequest()
        request.email = email
        request.password = password
        return try await self.identity.login(request, options: self.options).tokens
    }

    private func product(_ index: Int, category: String, staff: Metadata) async throws -> (id: String, skus: [String]) {
        let noun = Self.nouns[index % Self.nouns.count]
        var request = Souk_Catalog_V1_CreateProductRequest()
        request.categoryID = category
        request.title = "\(noun.russian.capitalized) / \(noun.english), модель \(index)"
        request.description_p = "\(noun.russian.capitalized) для дома. A \(noun.english) for the home, model \(index)."
        request.imageUrls = ["https://img.shop.example/bench/\(index).jpg"]
        request.attributes = ["material": index % 2 == 0 ? "ceramic" : "steel"]
        // Base prices 300.00–3,290.00 RUB; USD and EUR set by the merchant, not converted.
        let rubles = Int64(30_000 + (index * 7_919) % 300_000)
        request.skus = ["S", "L"].enumerated().map { position, size in
            var sku = Souk_Catalog_V1_Sku()
            sku.code = "BENCH-\(index)-\(size)"
            sku.attributes = ["size": size]
            let base = rubles + Int64(position) * 10_000
            sku.prices = [Self.money(base, "RUB"), Self.money(base / 90, "USD"), Self.money(base / 100, "EUR")]
            return sku
        }
        let product = try await Self.step("CreateProduct #\(index)") {
            try await self.catalog.createProduct(request, metadata: staff, options: self.options)
        }
        var publish = Souk_Catalog_V1_PublishProductRequest()
        publish.productID = product.id
        _ = try await Self.step("PublishProduct #\(index)") {
            try await self.catalog.publishProduct(publish, metadata: staff, options: self.options)
        }
        for sku in request.skus {
            var stock = Souk_Catalog_V1_SetStockRequest()
            stock.sku = sku.code
            stock.warehouse = "MSK-1"
            stock.onHand = 1_000_000
            _ = try await Self.step("SetStock \(sku.code)") {
                try await self.catalog.setStock(stock, metadata: staff, options: self.options)
            }
        }
        return (product.id, request.skus.map(\.code))
    }

    private func customer(_ index: Int) async throws -> ShopCustomer {
        var request = Souk_Identity_V1_SignUpRequest()
        request.email = "shopper\(index)@bench.souk.example"
        request.password = "shopper password \(index) of the bench"
        _ = try await Self.step("SignUp \(request.email)") {
            try await self.identity.signUp(request, options: self.options)
        }
        let tokens = try await Self.step("Login \(request.email)") {
            try await self.login(email: request.email, password: request.password)
        }
        return ShopCustomer(
            email: request.email,
            password: request.password,
            accessToken: tokens.accessToken,
            expiresAtUnixMs: tokens.accessExpiresAtUnixMs
        )
    }

    private static func money(_ minorUnits: Int64, _ currency: String) -> Souk_Catalog_V1_Money {
        var money = Souk_Catalog_V1_Money()
        money.minorUnits = minorUnits
        money.currency = currency
        return money
    }

    /// Runs `body` for `0..<count`, at most `width` at a time, and returns the results in index order.
    private static func concurrently<Result: Sendable>(
        count: Int,
        width: Int,
        progress: @Sendable (String) -> Void,
        what: String,
        _ body: @escaping @Sendable (Int) async throws -> Result
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var results: [Result?] = Array(repeating: nil, count: count)
            var next = 0
            var done = 0
            while next < min(width, count) {
                let index = next
                group.addTask { (index, try await body(index)) }
                next += 1
            }
            while let (index, result) = try await group.next() {
                results[index] = result
                done += 1
                if done % 25 == 0 || done == count { progress("seeding: \(done) of \(count) \(what)") }
                if next < count {
                    let index = next
                    group.addTask { (index, try await body(index)) }
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
    }

    /// Runs one seeding call, naming it in the error if it fails.
    private static func step<Result>(_ what: String, _ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as BenchError {
            throw error
        } catch {
            throw BenchError.scenarioFailed(
                scenario: "seeding the shop",
                wire: "SWP",
                cause: "\(what): \(BenchError.describe(error))"
            )
        }
    }
}

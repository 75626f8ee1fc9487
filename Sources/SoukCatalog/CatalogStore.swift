import Foundation
import Logging
import PostgresNIO
import SoukMoney

/// A product row with its SKUs and prices, as stored.
struct ProductRecord: Sendable {
    struct SkuRecord: Sendable {
        var code: String
        var attributes: [String: String]
        var prices: [Money]
    }

    var id: UUID
    var categoryID: UUID
    var title: String
    var description: String
    var imageURLs: [String]
    var attributes: [String: String]
    var published: Bool
    var skus: [SkuRecord]
}

/// The catalog schema's queries; a product and its SKUs and prices are written in one transaction.
struct CatalogStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    // MARK: Categories

    func insertCategory(id: UUID, parent: UUID?, name: String, slug: String) async throws {
        do {
            try await self.client.query(
                "INSERT INTO catalog.categories (id, parent_id, name, slug) VALUES (\(id), \(parent), \(name), \(slug))",
                logger: self.logger
            )
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw CatalogError.alreadyExists("slug: a category '\(slug)' already exists")
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
            throw CatalogError.notFound("parent_id: no category \(parent?.uuidString.lowercased() ?? "")")
        }
    }

    func categories() async throws -> [(UUID, UUID?, String, String)] {
        let rows = try await self.client.query(
            "SELECT id, parent_id, name, slug FROM catalog.categories ORDER BY name, id",
            logger: self.logger
        )
        var result: [(UUID, UUID?, String, String)] = []
        for try await row in rows.decode((UUID, UUID?, String, String).self) { result.append(row) }
        return result
    }

    func categoryExists(_ id: UUID) async throws -> Bool {
        let rows = try await self.client.query("SELECT 1 FROM catalog.categories WHERE id = \(id)", logger: self.logger)
        for try await _ in rows { return true }
        return false
    }

    // MARK: Products

    func insert(_ product: ProductRecord) async throws {
        try await self.transaction { connection in
            try await connection.query(
                """
                INSERT INTO catalog.products (id, category_id, title, description, image_urls, attributes, state)
                VALUES (\(product.id), \(product.categoryID), \(product.title), \(product.description),
                    \(product.imageURLs), \(Self.json(product.attributes)), 'draft')
                """,
                logger: self.logger
            )
            for (position, sku) in product.skus.enumerated() {
                do {
                    try await connection.query(
                        """
                        INSERT INTO catalog.skus (code, product_id, attributes, position)
                        VALUES (\(sku.code), \(product.id), \(Self.json(sku.attributes)), \(position))
                        """,
                        logger: self.logger
                    )
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                    throw CatalogError.alreadyExists("skus[\(position)].code: SKU \(sku.code) already exists")
                }
                for (index, price) in sku.prices.enumerated() {
                    try await connection.query(
                        """
                        INSERT INTO catalog.sku_prices (sku, currency, minor_units, position)
                        VALUES (\(sku.code), \(price.currency.code), \(price.minorUnits), \(index))
                        """,
                        logger: self.logger
                    )
                }
            }
        }
    }

    func publish(_ id: UUID) async throws -> Bool {
        let rows = try await self.client.query(
            "UPDATE catalog.products SET state = 'published' WHERE id = \(id) RETURNING id",
            logger: self.logger
        )
        for try await _ in rows { return true }
        return false
    }

    func product(_ id: UUID) async throws -> ProductRecord? {
        try await self.products(ids: [id]).first
    }

    /// Published products matching `query` (Russian or English words) in `category` or below it, after `after`.
    func search(query: String, category: UUID?, after: UUID?, limit: Int) async throws -> [ProductRecord] {
        let rows = try await self.client.query(
            """
            WITH RECURSIVE tree AS (
                SELECT id FROM catalog.categories WHERE id = \(category)
                UNION ALL SELECT c.id FROM catalog.categories c JOIN tree t ON c.parent_id = t.id
            )
            SELECT p.id FROM catalog.products p
            WHERE p.state = 'published'
              AND (\(query) = '' OR p.search @@ (plainto_tsquery('russian', \(query)) || plainto_tsquery('english', \(query))))
              AND (\(category)::uuid IS NULL OR p.category_id IN (SELECT id FROM tree))
              AND (\(after)::uuid IS NULL OR p.id > \(after))
            ORDER BY p.id LIMIT \(limit)
            """,
            logger: self.logger
        )
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return try await self.products(ids: ids)
    }

    /// The products with `ids`, in that order, with their SKUs and prices (two queries for any number).
    func products(ids: [UUID]) async throws -> [ProductRecord] {
        guard !ids.isEmpty else { return [] }
        var products: [UUID: ProductRecord] = [:]
        let rows = try await self.client.query(
            """
            SELECT id, category_id, title, description, image_urls, attributes, state FROM catalog.products
            WHERE id = ANY(\(ids))
            """,
            logger: self.logger
        )
        for try await (id, category, title, description, images, attributes, state) in rows.decode(
            (UUID, UUID, String, String, [String], String, String).self
        ) {
            products[id] = ProductRecord(
                id: id,
                categoryID: category,
                title: title,
                description: description,
                imageURLs: images,
                attributes: Self.dictionary(attributes),
                published: state == "published",
                skus: []
            )
        }
        let skus = try await self.client.query(
            """
            SELECT s.product_id, s.code, s.attributes, p.currency, p.minor_units FROM catalog.skus s
            JOIN catalog.sku_prices p ON p.sku = s.code
            WHERE s.product_id = ANY(\(ids)) ORDER BY s.product_id, s.position, p.position
            """,
            logger: self.logger
        )
        for try await (product, code, attributes, currency, minor) in skus.decode(
            (UUID, String, String, String, Int64).self
        ) {
            guard var record = products[product], let currency = Currency.supported[currency] else { continue }
            let price = Money(minorUnits: minor, currency: currency)
            if let index = record.skus.firstIndex(where: { $0.code == code }) {
                record.skus[index].prices.append(price)
            } else {
                record.skus.append(.init(code: code, attributes: Self.dictionary(attributes), prices: [price]))
            }
            products[product] = record
        }
        return ids.compactMap { products[$0] }
    }

    // MARK: Rates

    func rates() async throws -> [ExchangeRate] {
        let rows = try await self.client.query(
            "SELECT base, quote, mantissa, scale, source, effective_date FROM catalog.exchange_rates",
            logger: self.logger
        )
        var rates: [ExchangeRate] = []
        for try await (base, quote, mantissa, scale, source, day) in rows.decode(
            (String, String, Int64, Int, String, String).self
        ) {
            guard let base = Currency.supported[base], let quote = Currency.supported[quote] else { continue }
            rates.append(
                try ExchangeRate(
                    base: base,
                    quote: quote,
                    mantissa: mantissa,
                    scale: scale,
                    source: source,
                    effectiveDate: day
                )
            )
        }
        return rates
    }

    func insert(_ rates: [ExchangeRate]) async throws {
        try await self.transaction { connection in
            for rate in rates {
                try await connection.query(
                    """
                    INSERT INTO catalog.exchange_rates (base, quote, mantissa, scale, source, effective_date)
                    VALUES (\(rate.base.code), \(rate.quote.code), \(rate.mantissa), \(rate.scale), \(rate.source), \(rate.effectiveDate))
                    ON CONFLICT DO NOTHING
                    """,
                    logger: self.logger
                )
            }
        }
    }

    /// Runs `body` in one transaction; an error `body` throws comes out as itself, not wrapped.
    func transaction(_ body: (PostgresConnection) async throws -> Void) async throws {
        do {
            try await self.client.withTransaction(logger: self.logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }

    static func json(_ dictionary: [String: String]) -> String {
        guard let data = try? JSONEncoder().encode(dictionary) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func dictionary(_ json: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }
}

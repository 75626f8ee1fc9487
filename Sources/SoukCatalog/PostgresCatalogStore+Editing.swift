import Foundation
import Logging
import PostgresNIO
import SoukMoney
import SoukStorage

/// Editing products in place and importing them one row per transaction.
extension PostgresCatalogStore {
    /// Applies `change` in one transaction: a missing product, category or SKU of another product is NOT_FOUND
    /// and nothing is written.
    func update(_ change: ProductChange) async throws {
        defer { self.productCache.invalidate(products: [change.id]) }
        try await self.transaction { connection in
            let found = try await connection.guardedQuery(
                "SELECT 1 FROM catalog.products WHERE id = \(change.id) FOR UPDATE",
                logger: self.logger
            )
            guard try await found.collect().count == 1 else {
                throw CatalogError.notFound("product_id: no product \(change.id.uuidString.lowercased())")
            }
            if let category = change.categoryID {
                let rows = try await connection.guardedQuery(
                    "SELECT 1 FROM catalog.categories WHERE id = \(category)",
                    logger: self.logger
                )
                guard try await rows.collect().count == 1 else {
                    throw CatalogError.notFound("category_id: no category \(category.uuidString.lowercased())")
                }
            }
            let attributes = change.attributes.map(Self.json)
            try await connection.guardedQuery(
                """
                UPDATE catalog.products SET
                    title = coalesce(\(change.title)::text, title),
                    description = coalesce(\(change.description)::text, description),
                    category_id = coalesce(\(change.categoryID)::uuid, category_id),
                    image_urls = coalesce(\(change.imageURLs)::text[], image_urls),
                    attributes = coalesce(\(attributes)::text, attributes),
                    state = CASE WHEN \(change.unpublish) THEN 'draft' ELSE state END
                WHERE id = \(change.id)
                """,
                logger: self.logger
            )
            for (index, entry) in change.skuPrices.enumerated() {
                let owner = try await connection.guardedQuery(
                    "SELECT product_id FROM catalog.skus WHERE code = \(entry.sku) FOR UPDATE",
                    logger: self.logger
                )
                var product: UUID?
                for try await id in owner.decode(UUID.self) { product = id }
                guard product == change.id else {
                    throw CatalogError.notFound("sku_prices[\(index)].sku: this product has no SKU \(entry.sku)")
                }
                try await connection.guardedQuery(
                    "DELETE FROM catalog.sku_prices WHERE sku = \(entry.sku)",
                    logger: self.logger
                )
                try await Self.insertPrices(entry.prices, sku: entry.sku, on: connection, logger: self.logger)
            }
            for (index, entry) in change.skuPackages.enumerated() {
                let size = entry.packageSize
                let rows = try await connection.guardedQuery(
                    """
                    UPDATE catalog.skus SET weight_grams = \(size.weightGrams), length_mm = \(size.lengthMillimetres),
                        width_mm = \(size.widthMillimetres), height_mm = \(size.heightMillimetres)
                    WHERE code = \(entry.sku) AND product_id = \(change.id)
                    RETURNING code
                    """,
                    logger: self.logger
                )
                guard try await rows.collect().count == 1 else {
                    throw CatalogError.notFound("sku_packages[\(index)].sku: this product has no SKU \(entry.sku)")
                }
            }
        }
    }

    /// Inserts an imported product (published or not, as the record says) with its SKUs, prices and, when given,
    /// its stock in MSK-1, in one transaction. A SKU code already taken is ALREADY_EXISTS naming `sku`.
    func insertImported(_ product: ProductRecord, stock: Int?) async throws {
        try await self.transaction { connection in
            let state = product.published ? "published" : "draft"
            try await connection.guardedQuery(
                """
                INSERT INTO catalog.products (id, category_id, title, description, image_urls, attributes, state)
                VALUES (\(product.id), \(product.categoryID), \(product.title), \(product.description),
                    \(product.imageURLs), \(Self.json(product.attributes)), \(state))
                """,
                logger: self.logger
            )
            for (position, sku) in product.skus.enumerated() {
                do {
                    try await Self.insertSku(
                        sku,
                        product: product.id,
                        position: position,
                        on: connection,
                        logger: self.logger
                    )
                } catch let error where SQLState(of: error) == .uniqueViolation {
                    throw CatalogError.alreadyExists("sku: SKU \(sku.code) already exists")
                }
                try await Self.insertPrices(sku.prices, sku: sku.code, on: connection, logger: self.logger)
                if let stock {
                    try await connection.guardedQuery(
                        "INSERT INTO catalog.stock (sku, warehouse, on_hand) VALUES (\(sku.code), 'MSK-1', \(stock))",
                        logger: self.logger
                    )
                }
            }
        }
    }

    /// Category ids by slug.
    func categoriesBySlug() async throws -> [String: UUID] {
        let rows = try await self.client.guardedQuery("SELECT slug, id FROM catalog.categories", logger: self.logger)
        var result: [String: UUID] = [:]
        for try await (slug, id) in rows.decode((String, UUID).self) { result[slug] = id }
        return result
    }

    private static func insertPrices(
        _ prices: [Money],
        sku: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        for (index, price) in prices.enumerated() {
            try await connection.guardedQuery(
                """
                INSERT INTO catalog.sku_prices (sku, currency, minor_units, position)
                VALUES (\(sku), \(price.currency.code), \(price.minorUnits), \(index))
                """,
                logger: logger
            )
        }
    }
}

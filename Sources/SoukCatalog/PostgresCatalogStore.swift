import Foundation
import Logging
import PostgresNIO
import SoukDomain
import SoukMoney
import SoukStorage

/// The catalog on PostgreSQL (the `catalog` schema); each multi-row change is one transaction.
struct PostgresCatalogStore: ProductStore {
    let client: PostgresClient
    let logger: Logger
    /// The clock reservation holds are set and checked by (never PostgreSQL's `now()`, so tests can move it), and
    /// the age of the cached exchange rates.
    let wallClock: WallClock
    /// The exchange rates between calls; shared by the copies of this store.
    let rateCache: RateCache
    /// Products between calls, shared by the copies of this store and by the domain's other services; it serves
    /// while ``CatalogChanges`` runs on it (see ``CatalogDomain/runInBackground()``).
    let productCache: ProductCache

    init(
        client: PostgresClient,
        logger: Logger,
        wallClock: WallClock,
        rateCache: RateCache = RateCache(),
        productCache: ProductCache = ProductCache()
    ) {
        self.client = client
        self.logger = logger
        self.wallClock = wallClock
        self.rateCache = rateCache
        self.productCache = productCache
    }

    // MARK: Categories

    func insertCategory(id: UUID, parent: UUID?, name: String, slug: String) async throws {
        do {
            try await self.client.guardedQuery(
                "INSERT INTO catalog.categories (id, parent_id, name, slug) VALUES (\(id), \(parent), \(name), \(slug))",
                logger: self.logger
            )
        } catch let error where SQLState(of: error) == .uniqueViolation {
            throw CatalogError.alreadyExists("slug: a category '\(slug)' already exists")
        } catch let error where SQLState(of: error) == .foreignKeyViolation {
            throw CatalogError.notFound("parent_id: no category \(parent?.uuidString.lowercased() ?? "")")
        }
    }

    func categories() async throws -> [(UUID, UUID?, String, String)] {
        let rows = try await self.client.guardedQuery(
            "SELECT id, parent_id, name, slug FROM catalog.categories ORDER BY name, id",
            logger: self.logger
        )
        var result: [(UUID, UUID?, String, String)] = []
        for try await row in rows.decode((UUID, UUID?, String, String).self) { result.append(row) }
        return result
    }

    func categoryExists(_ id: UUID) async throws -> Bool {
        let rows = try await self.client.guardedQuery(
            "SELECT 1 FROM catalog.categories WHERE id = \(id)",
            logger: self.logger
        )
        for try await _ in rows { return true }
        return false
    }

    // MARK: Products

    func insert(_ product: ProductRecord) async throws {
        try await self.transaction { connection in
            try await connection.guardedQuery(
                """
                INSERT INTO catalog.products (id, category_id, title, description, image_urls, attributes, state)
                VALUES (\(product.id), \(product.categoryID), \(product.title), \(product.description),
                    \(product.imageURLs), \(Self.json(product.attributes)), 'draft')
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
                    throw CatalogError.alreadyExists("skus[\(position)].code: SKU \(sku.code) already exists")
                }
                for (index, price) in sku.prices.enumerated() {
                    try await connection.guardedQuery(
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
        defer { self.productCache.invalidate(products: [id]) }
        let rows = try await self.client.guardedQuery(
            "UPDATE catalog.products SET state = 'published' WHERE id = \(id) RETURNING id",
            logger: self.logger
        )
        for try await _ in rows { return true }
        return false
    }

    func product(_ id: UUID) async throws -> ProductRecord? {
        try await self.products(ids: [id]).first
    }

    /// The ids of at most two products whose id starts with `prefix` (see ``IDPrefix``), drafts only when
    /// `includeDrafts`: two mean the prefix is ambiguous.
    func productIDs(prefix: String, includeDrafts: Bool) async throws -> [UUID] {
        let rows = try await self.client.guardedQuery(
            """
            SELECT id FROM catalog.products
            WHERE id::text LIKE \(prefix + "%") AND (\(includeDrafts) OR state = 'published')
            ORDER BY id LIMIT 2
            """,
            logger: self.logger
        )
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }

    /// Published products matching `search` (Russian or English words, a category and its subtree, a price range,
    /// stock), in its order, after its cursor, each with its sort key as PostgreSQL prints it (for the page token).
    ///
    /// A SKU's price in the search currency is the merchant's price in it, else its base price converted in SQL
    /// exactly as ``ExchangeRate/convert(_:)`` does: `minor × mantissa × 10^target exponent / 10^(scale + source
    /// exponent)`, in `numeric`, rounded half to even, with each currency's rate to the target from `rates` bound
    /// as arrays. A SKU whose base currency has no rate has no price there: it matches no price range and does
    /// not count for a price order, and a product without any priced SKU is left out of both.
    func search(
        _ search: ProductSearch,
        rates: RateBook,
        limit: Int
    ) async throws -> [(record: ProductRecord, key: String)] {
        var codes: [String] = []
        var mantissas: [Int64] = []
        var scales: [Int] = []
        var exponents: [Int] = []
        if search.needsPrices, let target = search.currency {
            for source in Currency.supported.values.sorted() {
                guard let rate = try? rates.rate(from: source, to: target) else { continue }
                codes.append(source.code)
                mantissas.append(rate.mantissa)
                scales.append(rate.scale)
                exponents.append(source.exponent)
            }
        }
        // Static SQL chosen by the sort order; every value in them comes from the bound `x` row.
        let key: String
        let order: String
        let after: String
        switch search.order {
        case .relevance:
            key = "ts_rank(p.search, x.tsq)::text"
            order = "ts_rank(p.search, x.tsq) DESC, p.id DESC"
            after = "(ts_rank(p.search, x.tsq), p.id) < (x.k::real, x.after)"
        case .newest:
            key = "(extract(epoch FROM p.created_at) * 1000000)::int8::text"
            order = "p.created_at DESC, p.id DESC"
            after = "((extract(epoch FROM p.created_at) * 1000000)::int8, p.id) < (x.k::int8, x.after)"
        case .priceAscending:
            key = "pr.low::text"
            order = "pr.low, p.id"
            after = "(pr.low, p.id) > (x.k::numeric, x.after)"
        case .priceDescending:
            key = "pr.low::text"
            order = "pr.low DESC, p.id DESC"
            after = "(pr.low, p.id) < (x.k::numeric, x.after)"
        }
        let prices =
            search.needsPrices
            ? """
            JOIN LATERAL (
                SELECT min(v.minor) AS low,
                    bool_or((x.lo IS NULL OR v.minor >= x.lo) AND (x.hi IS NULL OR v.minor <= x.hi)) AS hit
                FROM catalog.skus s
                CROSS JOIN LATERAL (
                    SELECT coalesce(
                        (SELECT own.minor_units::numeric FROM catalog.sku_prices own
                         WHERE own.sku = s.code AND own.currency = x.currency),
                        (SELECT c.q + CASE WHEN 2 * c.r > c.d OR (2 * c.r = c.d AND mod(c.q, 2) = 1) THEN 1 ELSE 0 END
                         FROM (
                             SELECT div(b.n, b.d) AS q, mod(b.n, b.d) AS r, b.d
                             FROM (
                                 SELECT base.minor_units::numeric * rt.mantissa * power(10::numeric, x.texp) AS n,
                                     power(10::numeric, rt.scale + rt.exponent) AS d
                                 FROM (
                                     SELECT currency, minor_units FROM catalog.sku_prices
                                     WHERE sku = s.code ORDER BY position LIMIT 1
                                 ) base
                                 JOIN rates rt ON rt.code = base.currency
                             ) b
                         ) c)
                    ) AS minor
                ) v
                WHERE s.product_id = p.id AND v.minor IS NOT NULL
            ) pr ON pr.low IS NOT NULL AND pr.hit
            """ : ""
        let rows = try await self.client.guardedQuery(
            """
            WITH RECURSIVE x AS (
                SELECT \(search.query)::text AS q, \(search.category)::uuid AS category,
                    \(search.currency?.code)::text AS currency, \(search.currency?.exponent)::int AS texp,
                    \(search.minPrice)::int8 AS lo, \(search.maxPrice)::int8 AS hi,
                    \(search.after?.key)::text AS k, \(search.after?.id)::uuid AS after,
                    plainto_tsquery('russian', \(search.query)) || plainto_tsquery('english', \(search.query)) AS tsq
            ),
            tree AS (
                SELECT c.id FROM catalog.categories c JOIN x ON c.id = x.category
                UNION ALL SELECT c.id FROM catalog.categories c JOIN tree t ON c.parent_id = t.id
            ),
            rates AS (
                SELECT * FROM unnest(\(codes)::text[], \(mantissas)::int8[], \(scales)::int8[], \(exponents)::int8[])
                    AS rates (code, mantissa, scale, exponent)
            )
            SELECT p.id, \(unescaped: key) FROM x CROSS JOIN catalog.products p
            \(unescaped: prices)
            WHERE (p.state = 'published' OR \(search.includesDrafts))
              AND (\(search.query) = ''
                  OR p.search @@ (plainto_tsquery('russian', \(search.query)) || plainto_tsquery('english', \(search.query))))
              AND (x.category IS NULL OR p.category_id IN (SELECT id FROM tree))
              AND (NOT \(search.isInStockOnly) OR EXISTS (
                  SELECT 1 FROM catalog.skus s JOIN catalog.stock st ON st.sku = s.code
                      JOIN catalog.warehouses w ON w.code = st.warehouse
                  WHERE s.product_id = p.id AND w.active AND st.on_hand - st.reserved > 0))
              AND (x.after IS NULL OR \(unescaped: after))
            ORDER BY \(unescaped: order)
            LIMIT \(limit)
            """,
            logger: self.logger
        )
        var page: [(UUID, String)] = []
        for try await row in rows.decode((UUID, String).self) { page.append(row) }
        let records = try await self.products(ids: page.map(\.0))
        let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return page.compactMap { id, key in byID[id].map { ($0, key) } }
    }

    /// The products with `ids`, in that order: those the product cache keeps from memory, the others with one query
    /// (``committedProducts(ids:)``), kept for the next call.
    func products(ids: [UUID]) async throws -> [ProductRecord] {
        let lookup = self.productCache.lookup(ids)
        guard !lookup.missing.isEmpty else { return ids.compactMap { lookup.found[$0] } }
        let read = try await self.committedProducts(ids: lookup.missing)
        self.productCache.keep(read, readAt: lookup.generation)
        guard !lookup.found.isEmpty else { return read }
        var byID = lookup.found
        for record in read { byID[record.id] = record }
        return ids.compactMap { byID[$0] }
    }

    /// The products with `ids`, in that order, with their SKUs and prices, as PostgreSQL has them now: one query for
    /// any number, which also reads the stored rates' version for the rate cache.
    func committedProducts(ids: [UUID]) async throws -> [ProductRecord] {
        guard !ids.isEmpty else { return [] }
        var products: [UUID: ProductRecord] = [:]
        let rows = try await self.client.guardedQuery(
            """
            SELECT p.id, p.category_id, p.title, p.description, p.image_urls, p.attributes, p.state,
                s.code, s.attributes, pr.currency, pr.minor_units,
                (SELECT max(imported_at) FROM catalog.exchange_rates),
                s.weight_grams, s.length_mm, s.width_mm, s.height_mm,
                EXISTS (
                    SELECT 1 FROM catalog.stock st JOIN catalog.warehouses w ON w.code = st.warehouse
                    WHERE st.sku = s.code AND w.active AND st.on_hand - st.reserved > 0
                )
            FROM catalog.products p
            LEFT JOIN catalog.skus s ON s.product_id = p.id
            LEFT JOIN catalog.sku_prices pr ON pr.sku = s.code
            WHERE p.id = ANY(\(ids))
            ORDER BY p.id, s.position, pr.position
            """,
            logger: self.logger
        )
        var version: Date?
        var sawRow = false
        for try await row in rows {
            let (
                id, category, title, description, images, attributes, state, code, skuAttributes, currency, minor,
                ratesVersion, weight, length, width, height, inStock
            ) = try row.decode(
                (
                    UUID, UUID, String, String, [String], String, String, String?, String?, String?, Int64?, Date?,
                    Int?, Int?, Int?, Int?, Bool
                ).self
            )
            version = ratesVersion
            sawRow = true
            var record =
                products[id]
                ?? ProductRecord(
                    id: id,
                    categoryID: category,
                    title: title,
                    description: description,
                    imageURLs: images,
                    attributes: Self.dictionary(attributes),
                    published: state == "published",
                    skus: []
                )
            if let code, let currency = currency.flatMap({ Currency.supported[$0] }), let minor {
                let price = Money(minorUnits: minor, currency: currency)
                if let last = record.skus.indices.last, record.skus[last].code == code {
                    record.skus[last].prices.append(price)
                } else {
                    let size = PackageSize(
                        weightGrams: weight ?? 0,
                        lengthMillimetres: length ?? 0,
                        widthMillimetres: width ?? 0,
                        heightMillimetres: height ?? 0
                    )
                    record.skus.append(
                        .init(
                            code: code,
                            attributes: Self.dictionary(skuAttributes ?? "{}"),
                            prices: [price],
                            packageSize: size,
                            isInStock: inStock
                        )
                    )
                }
            }
            products[id] = record
        }
        // No row, no version read (an unknown id): say nothing rather than "no rates".
        if sawRow { self.rateCache.observe(version) }
        return ids.compactMap { products[$0] }
    }

    /// Inserts one SKU row of `product` with its attributes and package size (not its prices).
    static func insertSku(
        _ sku: ProductRecord.SkuRecord,
        product: UUID,
        position: Int,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let size = sku.packageSize
        try await connection.guardedQuery(
            """
            INSERT INTO catalog.skus (
                code, product_id, attributes, position, weight_grams, length_mm, width_mm, height_mm
            ) VALUES (
                \(sku.code), \(product), \(Self.json(sku.attributes)), \(position),
                \(size.weightGrams), \(size.lengthMillimetres), \(size.widthMillimetres), \(size.heightMillimetres)
            )
            """,
            logger: logger
        )
    }

    /// Runs `body` in one transaction; an error `body` throws comes out as itself, not wrapped.
    func transaction(_ body: (PostgresConnection) async throws -> Void) async throws {
        try await self.client.withGuardedTransaction(logger: self.logger) { connection in try await body(connection) }
    }

    static func json(_ dictionary: [String: String]) -> String {
        guard let data = try? JSONEncoder().encode(dictionary) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func dictionary(_ json: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }
}

import Foundation
import SoukDomain
import SoukMoney

/// Categories and products with their SKUs and prices.
protocol ProductStore: Sendable {
    /// Adds a category; ALREADY_EXISTS for a slug taken, NOT_FOUND for an unknown parent.
    func insertCategory(id: UUID, parent: UUID?, name: String, slug: String) async throws

    /// Every category as id, parent, name and slug, by name.
    func categories() async throws -> [(UUID, UUID?, String, String)]

    /// Whether a category with `id` exists.
    func categoryExists(_ id: UUID) async throws -> Bool

    /// Category ids by slug.
    func categoriesBySlug() async throws -> [String: UUID]

    /// Adds a draft product with its SKUs and prices, all or nothing; ALREADY_EXISTS for a SKU code taken.
    func insert(_ product: ProductRecord) async throws

    /// Adds an imported product (published or not, as the record says) with its SKUs, prices and, when given,
    /// its stock in MSK-1, all or nothing; ALREADY_EXISTS naming `sku` for a SKU code taken.
    func insertImported(_ product: ProductRecord, stock: Int?) async throws

    /// Applies `change`, all or nothing: a missing product, category or SKU of another product is NOT_FOUND.
    func update(_ change: ProductChange) async throws

    /// Publishes a product; false when there is none with `id`.
    func publish(_ id: UUID) async throws -> Bool

    /// The product with `id`, draft or published, from the product cache when it has it.
    func product(_ id: UUID) async throws -> ProductRecord?

    /// The products with `ids`, in that order (unknown ids are left out), from the product cache when it has them:
    /// for showing, where a change is seen once it is heard of (see ``ProductCache``).
    func products(ids: [UUID]) async throws -> [ProductRecord]

    /// The products with `ids`, in that order (unknown ids are left out), read from the database: for what is
    /// charged or written on the strength of it.
    func committedProducts(ids: [UUID]) async throws -> [ProductRecord]

    /// The ids of at most two products whose id starts with `prefix` (see ``IDPrefix``), drafts only when
    /// `includeDrafts`: two mean the prefix is ambiguous.
    func productIDs(prefix: String, includeDrafts: Bool) async throws -> [UUID]

    /// Up to `limit` products matching `search`, in its order and after its cursor, each with its sort key (for
    /// the page token); prices in another currency are compared converted at `rates`.
    func search(
        _ search: ProductSearch,
        rates: RateBook,
        limit: Int
    ) async throws -> [(record: ProductRecord, key: String)]
}

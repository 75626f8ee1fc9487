import Foundation
import GRPCCore
import SoukAPI
import SoukAccess
import SoukMoney

/// A checked SearchProducts request: what to match, in which order, and where the page starts.
///
/// A page token is base64url of a small JSON object: the order, the currency of a price order, the last row's
/// sort key (as PostgreSQL prints it) and its id. A token from another order or currency is refused.
struct ProductSearch: Sendable {
    enum Order: String, Codable, Sendable {
        /// `ts_rank` descending, then id descending; only with a query.
        case relevance
        /// `created_at` descending, then id descending.
        case newest
        /// The lowest SKU price in the currency, then id, ascending.
        case priceAscending = "price_asc"
        /// The lowest SKU price in the currency, then id, descending.
        case priceDescending = "price_desc"

        var isByPrice: Bool { self == .priceAscending || self == .priceDescending }
    }

    /// Where a page starts: just after the row with this sort key and id.
    struct Cursor: Codable, Sendable, Equatable {
        var order: Order
        var currency: String?
        var key: String
        var id: UUID

        enum CodingKeys: String, CodingKey {
            case order = "o"
            case currency = "c"
            case key = "k"
            case id = "i"
        }
    }

    var query = ""
    var category: UUID?
    var currency: Currency?
    var minPrice: Int64?
    var maxPrice: Int64?
    var isInStockOnly = false
    /// Drafts as well as published products (staff).
    var includesDrafts = false
    var order = Order.newest
    var after: Cursor?
    var pageSize = 20

    /// Whether the query needs each product's lowest price in ``currency``.
    var needsPrices: Bool {
        self.currency != nil && (self.minPrice != nil || self.maxPrice != nil || self.order.isByPrice)
    }

    /// The token of the page after the row with `key` and `id`.
    func token(key: String, id: UUID) -> String {
        let cursor = Cursor(
            order: self.order,
            currency: self.order.isByPrice ? self.currency?.code : nil,
            key: key,
            id: id
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(cursor) else { return "" }
        return AccessTokenVerifier.base64URL(Array(data))
    }

    /// The cursor in `token`, checked against this search's order and currency.
    func cursor(from token: String) throws -> Cursor {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard token.count <= 512, let data = Data(base64Encoded: base64),
            let cursor = try? JSONDecoder().decode(Cursor.self, from: data), Self.isValid(cursor.key, for: cursor.order)
        else { throw CatalogError.invalidArgument("page_token: not a token this service made") }
        guard cursor.order == self.order else {
            throw CatalogError.invalidArgument("page_token: from a search in another order (\(cursor.order.rawValue))")
        }
        guard !self.order.isByPrice || cursor.currency == self.currency?.code else {
            throw CatalogError.invalidArgument("page_token: from a search in another currency")
        }
        return cursor
    }

    private static func isValid(_ key: String, for order: Order) -> Bool {
        switch order {
        case .relevance: Float(key)?.isFinite == true
        case .newest: Int64(key) != nil
        case .priceAscending, .priceDescending: Int64(key).map { $0 >= 0 } == true
        }
    }
}

extension ProductValidation {
    /// The search a SearchProducts request asks for; INVALID_ARGUMENT naming the field otherwise.
    static func search(from request: Souk_Catalog_V1_SearchProductsRequest) throws -> ProductSearch {
        var search = ProductSearch()
        search.pageSize = request.pageSize == 0 ? 20 : Int(request.pageSize)
        guard (1...100).contains(search.pageSize) else {
            throw CatalogError.invalidArgument("page_size: 1…100 (0 means 20)")
        }
        guard request.query.count <= 200 else { throw CatalogError.invalidArgument("query: at most 200 characters") }
        search.query = request.query.trimmingCharacters(in: .whitespacesAndNewlines)
        search.category =
            request.categoryID.isEmpty ? nil : try CatalogService.id(request.categoryID, field: "category_id")
        search.currency = try CatalogService.currency(request.currency)
        if request.hasMinPrice || request.hasMaxPrice {
            guard search.currency != nil else {
                throw CatalogError.invalidArgument("currency: required with min_price/max_price")
            }
            if request.hasMinPrice { search.minPrice = request.minPrice }
            if request.hasMaxPrice { search.maxPrice = request.maxPrice }
        }
        guard (search.minPrice ?? 0) >= 0 else { throw CatalogError.invalidArgument("min_price: must not be negative") }
        guard (search.maxPrice ?? 0) >= 0 else { throw CatalogError.invalidArgument("max_price: must not be negative") }
        if let low = search.minPrice, let high = search.maxPrice, low > high {
            throw CatalogError.invalidArgument("min_price: \(low) is above max_price \(high)")
        }
        search.isInStockOnly = request.inStock
        if request.includeDrafts {
            guard Caller.current?.has(.editCatalog) == true else {
                throw CatalogError(.permissionDenied, "include_drafts: only staff who edit the catalog see drafts")
            }
            search.includesDrafts = true
        }
        switch request.sort {
        case .unspecified: search.order = search.query.isEmpty ? .newest : .relevance
        case .newest: search.order = .newest
        case .priceAscending: search.order = .priceAscending
        case .priceDescending: search.order = .priceDescending
        case .UNRECOGNIZED(let value): throw CatalogError.invalidArgument("sort: \(value) is not a sort order")
        }
        guard !search.order.isByPrice || search.currency != nil else {
            throw CatalogError.invalidArgument("currency: required with price sorting")
        }
        if !request.pageToken.isEmpty { search.after = try search.cursor(from: request.pageToken) }
        return search
    }
}

import Foundation
package import GRPCCore
package import SoukAPI
import SoukAccess
package import SoukDomain

/// `souk.recommendations.v1.RecommendationService`: the published lists, served with each product as the catalog
/// shows it now (published, in stock, priced in the shopper's currency).
package struct RecommendationService: Souk_Recommendations_V1_RecommendationService.SimpleServiceProtocol {
    /// How many products a call returns unless it asks: `limit` 0.
    static let defaultLimit = 10
    /// The most a call may ask for.
    static let maxLimit = 50

    let store: any RecommendationsStore
    let catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol
    let wallClock: WallClock

    package init(
        store: any RecommendationsStore,
        catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol,
        wallClock: WallClock
    ) {
        self.store = store
        self.catalog = catalog
        self.wallClock = wallClock
    }

    package func forCustomer(
        request: Souk_Recommendations_V1_ForCustomerRequest,
        context: ServerContext
    ) async throws -> Souk_Recommendations_V1_RecommendationsResponse {
        guard let caller = Caller.current else {
            throw RecommendationsError(.unauthenticated, "recommendations for a customer need a signed-in caller")
        }
        let limit = try Self.limit(request.limit)
        let own = Self.customerSubject(caller.accountID)
        let named = request.customerID.trimmingCharacters(in: .whitespaces)
        let subject: String
        if named.isEmpty || Self.customerSubject(named) == own {
            subject = own
        } else {
            // Staff support reads any account; a customer only ever their own.
            guard caller.has(.readAccounts) else {
                throw RecommendationsError.permissionDenied(
                    "customer_id: only staff may ask for another customer's recommendations"
                )
            }
            guard named.count <= 64 else { throw RecommendationsError.invalidArgument("customer_id: too long") }
            subject = Self.customerSubject(named)
        }
        guard let served = try await self.customerList(subject, own: subject == own) else {
            throw RecommendationsError.notFound("customer \(named): no recommendations for this customer")
        }
        var response = Souk_Recommendations_V1_RecommendationsResponse()
        response.version = served.version
        if let list = served.list {
            response.products = try await self.resolve(
                list,
                limit: limit,
                currency: Self.currency(request.currency, caller: caller),
                metadata: caller.onBehalfMetadata,
                excluding: []
            )
        }
        return response
    }

    package func forCart(
        request: Souk_Recommendations_V1_ForCartRequest,
        context: ServerContext
    ) async throws -> Souk_Recommendations_V1_RecommendationsResponse {
        guard let caller = Caller.current else {
            throw RecommendationsError(.unauthenticated, "recommendations for a cart need a signed-in caller")
        }
        let limit = try Self.limit(request.limit)
        let currency = Self.currency(request.currency, caller: caller)
        var cartRequest = Souk_Catalog_V1_GetCartRequest()
        cartRequest.currency = currency
        let cart = try await self.catalog.getCart(cartRequest, metadata: caller.onBehalfMetadata)
        var response = Souk_Recommendations_V1_RecommendationsResponse()
        guard let served = try await self.customerList(Self.customerSubject(caller.accountID), own: true) else {
            return response
        }
        response.version = served.version
        if let list = served.list {
            response.products = try await self.resolve(
                list,
                limit: limit,
                currency: currency,
                metadata: caller.onBehalfMetadata,
                excluding: [],
                excludingSKUs: Set(cart.lines.map(\.sku))
            )
        }
        return response
    }

    /// The served version and the customer's list; for the caller's `own`, the popular list when they have none
    /// (someone who has bought nothing yet gets what most people buy). Nil for another customer without a list.
    func customerList(_ subject: String, own: Bool) async throws -> (version: Int64, list: ScoredList?)? {
        let served = try await self.store.served(.customer, subject: subject)
        if served.list != nil { return served }
        guard own else { return nil }
        return try await self.store.served(.popular, subject: "")
    }

    package func forProduct(
        request: Souk_Recommendations_V1_ForProductRequest,
        context: ServerContext
    ) async throws -> Souk_Recommendations_V1_RecommendationsResponse {
        let limit = try Self.limit(request.limit)
        let named = request.productID.trimmingCharacters(in: .whitespaces)
        guard !named.isEmpty else { throw RecommendationsError.invalidArgument("product_id: required") }
        guard named.count <= 64 else { throw RecommendationsError.invalidArgument("product_id: too long") }
        let caller = Caller.current
        let currency = Self.currency(request.currency, caller: caller)
        let metadata = caller?.onBehalfMetadata ?? [:]
        guard let product = try await self.product(named, currency: currency, metadata: metadata),
            product.state == .published
        else {
            throw RecommendationsError.notFound("product \(named) not found")
        }
        var response = Souk_Recommendations_V1_RecommendationsResponse()
        let (version, list) = try await self.store.served(.product, subject: product.id)
        response.version = version
        if let list {
            response.products = try await self.resolve(
                list,
                limit: limit,
                currency: currency,
                metadata: metadata,
                excluding: [product.id]
            )
        }
        return response
    }

    // MARK: Helpers

    /// `limit` as a count: 0 means ``defaultLimit``; 1 to ``maxLimit`` otherwise.
    static func limit(_ limit: Int32) throws -> Int {
        if limit == 0 { return Self.defaultLimit }
        guard (1...Int32(Self.maxLimit)).contains(limit) else {
            throw RecommendationsError.invalidArgument("limit: 1…\(Self.maxLimit) (0 means \(Self.defaultLimit))")
        }
        return Int(limit)
    }

    /// A customer id as lists are keyed: a UUID in lower case (anything else as given, which matches no list).
    static func customerSubject(_ id: String) -> String {
        UUID(uuidString: id).map { $0.uuidString.lowercased() } ?? id
    }

    /// The currency asked for, else the caller's preferred one, else none (the catalog's base prices).
    static func currency(_ asked: String, caller: Caller?) -> String {
        if !asked.isEmpty { return asked }
        return caller?.preferredCurrency ?? ""
    }
}

import GRPCCore
import SoukAPI

extension RecommendationService {
    /// The first `limit` products of `list` the catalog shows as published with a SKU in stock, in list order,
    /// each priced by its cheapest SKU in stock in `currency`; none of `excluding`, and none with a SKU in
    /// `excludingSKUs`.
    ///
    /// Products are read a batch at a time, concurrently, and the batch grows with what is still missing, so a
    /// list whose head is all available costs one round of calls.
    func resolve(
        _ list: ScoredList,
        limit: Int,
        currency: String,
        metadata: Metadata,
        excluding: Set<String>,
        excludingSKUs: Set<String> = []
    ) async throws -> [Souk_Recommendations_V1_RecommendedProduct] {
        var seen = excluding
        var candidates: [(id: String, score: Double)] = []
        for (id, score) in zip(list.products, list.scores) where seen.insert(id).inserted {
            candidates.append((id, score))
        }
        var kept: [Souk_Recommendations_V1_RecommendedProduct] = []
        var next = 0
        while kept.count < limit, next < candidates.count {
            let batch = Array(candidates[next..<min(candidates.count, next + limit - kept.count + 2)])
            next += batch.count
            let found = try await withThrowingTaskGroup(
                of: (Int, Souk_Recommendations_V1_RecommendedProduct?).self
            ) { group in
                for (index, candidate) in batch.enumerated() {
                    group.addTask {
                        let product = try await self.product(candidate.id, currency: currency, metadata: metadata)
                        let recommended = product.flatMap {
                            Self.recommended($0, score: candidate.score, excludingSKUs: excludingSKUs)
                        }
                        return (index, recommended)
                    }
                }
                var found = [Souk_Recommendations_V1_RecommendedProduct?](repeating: nil, count: batch.count)
                for try await (index, product) in group { found[index] = product }
                return found
            }
            for case let product? in found where kept.count < limit {
                kept.append(product)
            }
        }
        return kept
    }

    /// The product as the catalog shows it to the caller, or nil when the catalog does not know it.
    func product(
        _ id: String,
        currency: String,
        metadata: Metadata
    ) async throws -> Souk_Catalog_V1_Product? {
        var request = Souk_Catalog_V1_GetProductRequest()
        request.productID = id
        request.currency = currency
        do {
            return try await self.catalog.getProduct(request, metadata: metadata)
        } catch let error as RPCError where error.code == .notFound {
            return nil
        }
    }

    /// `product` as recommended, or nil when it may not be: a draft, no SKU in stock with a price, or a SKU in
    /// `excludingSKUs` (the cart's).
    static func recommended(
        _ product: Souk_Catalog_V1_Product,
        score: Double,
        excludingSKUs: Set<String> = []
    ) -> Souk_Recommendations_V1_RecommendedProduct? {
        guard product.state == .published, !product.skus.contains(where: { excludingSKUs.contains($0.code) }) else {
            return nil
        }
        let cheapest =
            product.skus
            .filter { $0.inStock && $0.hasDisplayPrice }
            .min { $0.displayPrice.minorUnits < $1.displayPrice.minorUnits }
        guard let cheapest else { return nil }
        var recommended = Souk_Recommendations_V1_RecommendedProduct()
        recommended.productID = product.id
        recommended.title = product.title
        recommended.sku = cheapest.code
        recommended.price = cheapest.displayPrice
        recommended.score = score
        return recommended
    }
}

package import GRPCCore
import SoukAPI
package import SoukAccess
package import SoukDomain
package import SoukStorage

private typealias Recommendations = Souk_Recommendations_V1_RecommendationService.Method

/// The recommendations domain: lists built offline by `souk-worker recs build`, published in one piece, served
/// with each product's current state and price from the catalog (`--services recommendations`).
package struct RecommendationsDomain: Domain {
    package static let name = "recommendations"
    package static let serviceDescriptors = [Souk_Recommendations_V1_RecommendationService.descriptor]
    package static let migrations = [RecommendationsMigrations.schema]
    /// Every product served is read from the catalog first: published, in stock, priced in the shopper's currency.
    package static let requiredServices = [Souk_Catalog_V1_CatalogService.descriptor]
    /// The published lists are read through the host's cache (Redis) when it has one.
    package static let usesCache = true

    package static let accessPolicy: [MethodDescriptor: AccessRequirement] = [
        // A customer's recommendations come from their own orders, so reading them takes the permission that
        // reads those orders; staff (who may name any customer) have it too.
        Recommendations.ForCustomer.descriptor: .permission(.ownOrders),
        // "Customers also bought" names no customer: it is shown on the public product page.
        Recommendations.ForProduct.descriptor: .anyone,
        // The caller's own list without what is in their own cart, read on their behalf.
        Recommendations.ForCart.descriptor: .permission(.ownCart),
        Recommendations.PublishLists.descriptor: .permission(.publishRecommendations),
    ]

    let service: RecommendationService

    package static func make(context: DomainContext) throws -> Self {
        let lists = PostgresRecommendationsStore(client: context.postgres, logger: context.logger)
        // Through the host's shared cache when it has one: PostgreSQL answers whatever it misses.
        let store: any RecommendationsStore =
            if let cache = context.cache { CachedRecommendationsStore(base: lists, cache: cache) } else { lists }
        return Self(
            service: RecommendationService(
                store: store,
                catalog: try context.clients.client(of: Souk_Catalog_V1_CatalogService.descriptor, CatalogClient()),
                wallClock: context.wallClock
            )
        )
    }

    package var services: [any RegistrableRPCService] { [self.service] }
}

package import GRPCCore
package import SoukAPI
import SoukDomain

/// The catalog service's typed client, as recommendations call it: each listed product's state, stock and price.
package struct CatalogClient: DomainClientMaker {
    package init() {}

    package func make<Transport: ClientTransport>(
        _ client: GRPCClient<Transport>
    ) -> any Souk_Catalog_V1_CatalogService.ClientProtocol {
        Souk_Catalog_V1_CatalogService.Client(wrapping: client)
    }
}

/// The recommendation service's typed client, for tests and other programs in process.
package struct RecommendationsClient: DomainClientMaker {
    package init() {}

    package func make<Transport: ClientTransport>(
        _ client: GRPCClient<Transport>
    ) -> any Souk_Recommendations_V1_RecommendationService.ClientProtocol {
        Souk_Recommendations_V1_RecommendationService.Client(wrapping: client)
    }
}

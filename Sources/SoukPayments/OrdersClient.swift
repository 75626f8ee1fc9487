package import GRPCCore
package import SoukAPI
import SoukDomain

/// The order service's typed client, as payments call it (through ``SoukDomain/DomainClients``).
package struct OrdersClient: DomainClientMaker {
    package init() {}

    package func make<Transport: ClientTransport>(
        _ client: GRPCClient<Transport>
    ) -> any Souk_Catalog_V1_OrderService.ClientProtocol {
        Souk_Catalog_V1_OrderService.Client(wrapping: client)
    }
}

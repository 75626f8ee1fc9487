package import GRPCCore
package import SoukAPI
import SoukDomain

/// The catalog service's typed client, as delivery calls it: the customer's cart, the warehouses.
package struct CatalogClient: DomainClientMaker {
    package init() {}

    package func make<Transport: ClientTransport>(
        _ client: GRPCClient<Transport>
    ) -> any Souk_Catalog_V1_CatalogService.ClientProtocol {
        Souk_Catalog_V1_CatalogService.Client(wrapping: client)
    }
}

/// The order service's typed client, as delivery calls it: following orders' events and moving them.
package struct OrdersClient: DomainClientMaker {
    package init() {}

    package func make<Transport: ClientTransport>(
        _ client: GRPCClient<Transport>
    ) -> any Souk_Catalog_V1_OrderService.ClientProtocol {
        Souk_Catalog_V1_OrderService.Client(wrapping: client)
    }
}

/// The delivery service's typed client, as the host's courier sandbox reaches it to deliver webhooks.
package struct DeliveryClient: DomainClientMaker {
    package init() {}

    package func make<Transport: ClientTransport>(
        _ client: GRPCClient<Transport>
    ) -> any Souk_Delivery_V1_DeliveryService.ClientProtocol {
        Souk_Delivery_V1_DeliveryService.Client(wrapping: client)
    }
}

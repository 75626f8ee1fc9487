package import GRPCCore
package import SoukAPI
import SoukDomain

/// The delivery service's typed client, as orders call it to check a shipping quote.
package struct DeliveryClient: DomainClientMaker {
    package init() {}

    package func make<Transport: ClientTransport>(
        _ client: GRPCClient<Transport>
    ) -> any Souk_Delivery_V1_DeliveryService.ClientProtocol {
        Souk_Delivery_V1_DeliveryService.Client(wrapping: client)
    }
}

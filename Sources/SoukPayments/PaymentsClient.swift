package import GRPCCore
package import SoukAPI
import SoukDomain

/// The payment service's typed client, as other domains and tests reach it (through ``SoukDomain/DomainClients``
/// or `IdentityHarness.client(_:)`).
package struct PaymentsClient: DomainClientMaker {
    package init() {}

    package func make<Transport: ClientTransport>(
        _ client: GRPCClient<Transport>
    ) -> any Souk_Payments_V1_PaymentService.ClientProtocol {
        Souk_Payments_V1_PaymentService.Client(wrapping: client)
    }
}

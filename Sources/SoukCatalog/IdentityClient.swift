package import GRPCCore
package import SoukAPI
import SoukDomain

/// The identity service's typed client, as the catalog calls it (through ``SoukDomain/DomainClients``).
package struct IdentityClient: DomainClientMaker {
    package init() {}

    package func make<Transport: ClientTransport>(
        _ client: GRPCClient<Transport>
    ) -> any Souk_Identity_V1_IdentityService.ClientProtocol {
        Souk_Identity_V1_IdentityService.Client(wrapping: client)
    }
}

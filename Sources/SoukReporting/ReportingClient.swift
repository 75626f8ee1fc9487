package import GRPCCore
package import SoukAPI
import SoukDomain

/// The reporting service's typed client, as tests and other programs reach it (`IdentityHarness.client(_:)`).
package struct ReportingClient: DomainClientMaker {
    package init() {}

    package func make<Transport: ClientTransport>(
        _ client: GRPCClient<Transport>
    ) -> any Souk_Reporting_V1_ReportingService.ClientProtocol {
        Souk_Reporting_V1_ReportingService.Client(wrapping: client)
    }
}

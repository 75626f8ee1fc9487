package import GRPCCore
import SoukAPI
package import SoukAccess
package import SoukDomain
package import SoukStorage

private typealias Reporting = Souk_Reporting_V1_ReportingService.Method

/// The reporting domain (`--services reporting`): sales, the order funnel and top products over the analytics
/// schema that `souk-worker follow` fills, for staff and admins.
///
/// It owns no schema: it reads `analytics.orders` and `analytics.order_lines` by SQL alone (never importing the
/// analytics module), and answers an empty report while that schema has not been created yet, so a host can serve
/// reports before the worker first ran without racing the worker's own migrations.
package struct ReportingDomain: Domain {
    package static let name = "reporting"
    package static let serviceDescriptors = [Souk_Reporting_V1_ReportingService.descriptor]
    package static let migrations: [SchemaMigrations] = []
    package static let accessPolicy: [MethodDescriptor: AccessRequirement] = [
        Reporting.SalesReport.descriptor: .permission(.readReports),
        Reporting.OrderFunnel.descriptor: .permission(.readReports),
        Reporting.TopProducts.descriptor: .permission(.readReports),
        Reporting.CurrencyReport.descriptor: .permission(.readReports),
        // Customers by id with their spend: staff's business, never a customer's.
        Reporting.CustomerSegments.descriptor: .permission(.readReports),
    ]

    let service: ReportingService

    package static func make(context: DomainContext) throws -> Self {
        Self(service: ReportingService(postgres: context.postgres, logger: context.logger))
    }

    package var services: [any RegistrableRPCService] { [self.service] }
}

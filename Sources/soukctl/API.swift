import GRPCCore
import SoukAPI
import SoukClient

/// The typed clients of one connection, and the call options every call uses.
struct API {
    let identity: any Souk_Identity_V1_IdentityService.ClientProtocol
    let catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol
    let orders: any Souk_Catalog_V1_OrderService.ClientProtocol
    let payments: any Souk_Payments_V1_PaymentService.ClientProtocol
    let delivery: any Souk_Delivery_V1_DeliveryService.ClientProtocol
    let reporting: any Souk_Reporting_V1_ReportingService.ClientProtocol
    let health: any Grpc_Health_V1_Health.ClientProtocol
    /// A 30-second deadline: a server that stops answering is reported, not waited for forever.
    let options: CallOptions

    init(_ services: SoukServices) {
        self.identity = services.identityService
        self.catalog = services.catalogService
        self.orders = services.orderService
        self.payments = services.paymentService
        self.delivery = services.deliveryService
        self.reporting = services.reportingService
        self.health = services.health
        var options = CallOptions.defaults
        options.timeout = .seconds(30)
        self.options = options
    }
}

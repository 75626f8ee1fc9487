import GRPCCore
import SoukAPI
import SoukWire

/// The typed clients of one connection, and the call options every call uses.
struct API {
    let identity: Souk_Identity_V1_IdentityService.Client<SWPClientTransport>
    let catalog: Souk_Catalog_V1_CatalogService.Client<SWPClientTransport>
    let orders: Souk_Catalog_V1_OrderService.Client<SWPClientTransport>
    /// A 30-second deadline: a server that stops answering is reported, not waited for forever.
    let options: CallOptions

    init(_ client: GRPCClient<SWPClientTransport>) {
        self.identity = Souk_Identity_V1_IdentityService.Client(wrapping: client)
        self.catalog = Souk_Catalog_V1_CatalogService.Client(wrapping: client)
        self.orders = Souk_Catalog_V1_OrderService.Client(wrapping: client)
        var options = CallOptions.defaults
        options.timeout = .seconds(30)
        self.options = options
    }
}

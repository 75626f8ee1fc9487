package import GRPCCore
public import SoukAPI

/// The typed clients of every Souk service, all on one connection.
///
/// Each is the generated client protocol of its service, so a call reads as the proto names it
/// (`services.catalog.getProduct(request)`) and the transport behind it stays inside the library. A failed call
/// throws GRPCCore's `RPCError` with the server's status code and message.
public struct SoukServices: Sendable {
    /// `souk.identity.v1.IdentityService`: sign-up, sign-in, tokens, profiles, TOTP, accounts.
    public let identity: any Souk_Identity_V1_IdentityService.ClientProtocol
    /// `souk.catalog.v1.CatalogService`: categories, products, prices, search, stock, carts.
    public let catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol
    /// `souk.catalog.v1.OrderService`: orders, their history, and the stream of order events.
    public let orders: any Souk_Catalog_V1_OrderService.ClientProtocol
    /// `grpc.health.v1.Health`: whether the host and each service is serving.
    public let health: any Grpc_Health_V1_Health.ClientProtocol
    /// `souk.testing.v1.TestService`: the interop and benchmark calls.
    public let testing: any Souk_Testing_V1_TestService.ClientProtocol

    /// The clients of every service over `client`.
    package init<Transport: ClientTransport>(_ client: GRPCClient<Transport>) {
        self.identity = Souk_Identity_V1_IdentityService.Client(wrapping: client)
        self.catalog = Souk_Catalog_V1_CatalogService.Client(wrapping: client)
        self.orders = Souk_Catalog_V1_OrderService.Client(wrapping: client)
        self.health = Grpc_Health_V1_Health.Client(wrapping: client)
        self.testing = Souk_Testing_V1_TestService.Client(wrapping: client)
    }
}

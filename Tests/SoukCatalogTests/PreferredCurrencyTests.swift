import GRPCCore
import SoukAPI
import SoukClient
import SoukHost
import SoukWire
import TestSupport
import Testing

/// Carts and orders that name no currency are in the customer's preferred currency, which the catalog reads from
/// identity through its generated client: in process when both run in one host, over SWP when identity runs in
/// another.
@Suite("Carts and orders in the customer's preferred currency, read from identity")
struct PreferredCurrencyTests {
    /// Makes the customer's profile prefer USD. Their access token still says RUB (it was issued before), so an
    /// order in USD shows the catalog asked identity rather than reading the token.
    static func preferDollars(
        _ identity: any Souk_Identity_V1_IdentityService.ClientProtocol,
        _ customer: Metadata
    )
        async throws
    {
        var update = Souk_Identity_V1_UpdateMyProfileRequest()
        update.profile.preferredCurrency = "USD"
        _ = try await identity.updateMyProfile(update, metadata: customer)
    }

    static func order(key: String, currency: String = "") -> Souk_Catalog_V1_PlaceOrderRequest {
        var request = Souk_Catalog_V1_PlaceOrderRequest()
        request.idempotencyKey = key
        request.currency = currency
        return request
    }

    @Test("co-hosted: no currency means the profile's, asked of identity in process; a named one wins")
    func coHosted() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await MugShop.open(harness)
            let ann = try await shop.customer("ann@example.com", mugs: 1)
            try await Self.preferDollars(harness.identity, ann)
            // The cart shown before the order is in the same currency as the order it becomes.
            let cart = try await harness.catalog.getCart(.init(), metadata: ann)
            #expect(cart.total == CatalogServiceTests.price(1_499, "USD"))
            let order = try await harness.orders.placeOrder(Self.order(key: "k-1"), metadata: ann)
            #expect(order.currency == "USD")
            #expect(order.total == CatalogServiceTests.price(1_499, "USD"))
            // The retry with the same key is the same order, whatever the profile says by then.
            var update = Souk_Identity_V1_UpdateMyProfileRequest()
            update.profile.preferredCurrency = "EUR"
            _ = try await harness.identity.updateMyProfile(update, metadata: ann)
            #expect(try await harness.orders.placeOrder(Self.order(key: "k-1"), metadata: ann).id == order.id)
            try await shop.fill(ann, mugs: 1)
            let named = try await harness.orders.placeOrder(Self.order(key: "k-2", currency: "RUB"), metadata: ann)
            #expect(named.currency == "RUB")
        }
    }

    @Test("two hosts: catalog in one, identity in another, called over SWP with the customer's own token")
    func twoHosts() async throws {
        let identityOnly: @Sendable (inout HostConfig) -> Void = { $0.services = [.identity] }
        try await IdentityHarness.with(wire: .swp, configure: identityOnly) { harness in
            try await withTemporaryDirectory { folder in
                let identityCA = try #require(harness.info.certificateAuthorityPath)
                try await withRunningHost(databaseURL: harness.databaseURL, dataFolder: folder) { config in
                    config.services = [.catalog]
                    config.remoteDomains[.identity] = HostConfig.RemoteDomain(
                        host: "127.0.0.1",
                        port: harness.info.swpPort,
                        certificateAuthority: identityCA
                    )
                } _: { info, _ in
                    #expect(info.services == [.catalog])
                    let catalogHost = ClientConfig(
                        host: "127.0.0.1",
                        port: info.swpPort,
                        trust: .certificateAuthority(path: info.certificateAuthorityPath ?? "")
                    )
                    try await SoukConnection.withConnection(to: catalogHost) { client in
                        let catalog = Souk_Catalog_V1_CatalogService.Client(wrapping: client)
                        let orders = Souk_Catalog_V1_OrderService.Client(wrapping: client)
                        let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
                        var kitchen = Souk_Catalog_V1_CreateCategoryRequest()
                        kitchen.name = "Kitchen"
                        kitchen.slug = "kitchen"
                        let category = try await catalog.createCategory(kitchen, metadata: admin)
                        let product = try await catalog.createProduct(
                            CatalogServiceTests.mug(category: category.id),
                            metadata: admin
                        )
                        var publish = Souk_Catalog_V1_PublishProductRequest()
                        publish.productID = product.id
                        _ = try await catalog.publishProduct(publish, metadata: admin)
                        var stock = Souk_Catalog_V1_SetStockRequest()
                        stock.sku = "MUG-350"
                        stock.warehouse = "MSK-1"
                        stock.onHand = 3
                        _ = try await catalog.setStock(stock, metadata: admin)

                        let ann = IdentityHarness.bearer(
                            try await harness.customer(email: "ann@example.com").accessToken
                        )
                        try await Self.preferDollars(harness.identity, ann)
                        var line = Souk_Catalog_V1_SetCartLineRequest()
                        line.sku = "MUG-350"
                        line.quantity = 1
                        _ = try await catalog.setCartLine(line, metadata: ann)
                        let order = try await orders.placeOrder(Self.order(key: "remote-1"), metadata: ann)
                        #expect(order.currency == "USD")
                        #expect(order.total == CatalogServiceTests.price(1_499, "USD"))
                        // Without a token there is nobody to ask identity about.
                        let anonymous = await rpcError { _ = try await orders.placeOrder(Self.order(key: "x")) }
                        #expect(anonymous?.code == .unauthenticated)
                    }
                }
            }
        }
    }

    @Test("a host with catalog but neither identity nor an address for it refuses to start, naming both fixes")
    func missingIdentity() {
        let error = #expect(throws: HostError.self) { _ = try HostDomains.remoteCalls([.catalog], remote: [:]) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("--services catalog,identity") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("--remote identity=HOST:PORT") == true)
    }
}

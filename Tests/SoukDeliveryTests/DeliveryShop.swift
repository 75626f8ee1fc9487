import Foundation
import GRPCCore
import Logging
import PostgresNIO
import SoukAPI
import SoukDomain
import SoukHost
import TestSupport
import Testing

@testable import SoukDelivery

/// A shop that ships: one host running every domain on a manual wall clock, a mug that weighs 400 g
/// (1290.00 RUB / 14.99 USD, 5 in MSK-1), and the calls a journey from quote to delivery makes.
struct DeliveryShop {
    let harness: IdentityHarness
    var admin: Metadata
    let delivery: any Souk_Delivery_V1_DeliveryService.ClientProtocol
    let wallClock: WallClock

    static func with(
        configure more: @escaping @Sendable (inout HostConfig) -> Void = { _ in },
        _ body: @Sendable (DeliveryShop) async throws -> Void
    ) async throws {
        let wallClock = WallClock.manual()
        let configure: @Sendable (inout HostConfig) -> Void = { config in
            config.wallClock = wallClock
            more(&config)
        }
        try await IdentityHarness.with(configure: configure) { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            try await Self.stockMug(harness.catalog, admin: admin)
            try await body(
                DeliveryShop(
                    harness: harness,
                    admin: admin,
                    delivery: harness.client(DeliveryCalls()),
                    wallClock: wallClock
                )
            )
        }
    }

    static func stockMug(_ catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol, admin: Metadata) async throws {
        var kitchen = Souk_Catalog_V1_CreateCategoryRequest()
        kitchen.name = "Kitchen"
        kitchen.slug = "kitchen"
        let category = try await catalog.createCategory(kitchen, metadata: admin)
        var product = Souk_Catalog_V1_CreateProductRequest()
        product.categoryID = category.id
        product.title = "Mug"
        var sku = Souk_Catalog_V1_Sku()
        sku.code = "MUG-350"
        for (minor, currency) in [(Int64(129_000), "RUB"), (1499, "USD")] {
            var price = Souk_Catalog_V1_Money()
            price.minorUnits = minor
            price.currency = currency
            sku.prices.append(price)
        }
        sku.package.weightGrams = 400
        sku.package.lengthMm = 120
        sku.package.widthMm = 90
        sku.package.heightMm = 100
        product.skus = [sku]
        let created = try await catalog.createProduct(product, metadata: admin)
        var publish = Souk_Catalog_V1_PublishProductRequest()
        publish.productID = created.id
        _ = try await catalog.publishProduct(publish, metadata: admin)
        var stock = Souk_Catalog_V1_SetStockRequest()
        stock.sku = "MUG-350"
        stock.warehouse = "MSK-1"
        stock.onHand = 5
        _ = try await catalog.setStock(stock, metadata: admin)
    }

    /// A Moscow address (postcode 101000, region Moscow).
    static var moscow: Souk_Identity_V1_Address {
        var address = Souk_Identity_V1_Address()
        address.recipient = "Анна Петрова"
        address.line1 = "Тверская улица, 7, кв. 12"
        address.city = "Moscow"
        address.region = "Moscow"
        address.postalCode = "101000"
        address.country = "RU"
        address.phone = "+7 999 123-45-67"
        return address
    }

    /// Fresh access tokens for `email` (a test that moves the wall clock past a token's life signs in again).
    func signIn(_ email: String, password: String = "correct horse battery") async throws -> Metadata {
        IdentityHarness.bearer(try await self.harness.login(email: email, password: password).tokens.accessToken)
    }

    /// The shop's admin, signed in again.
    func signInAdmin() async throws -> DeliveryShop {
        var shop = self
        shop.admin = try await self.signIn("root@souk.example", password: "admin password 2026!")
        return shop
    }

    /// A new customer with `mugs` in the cart, priced in `currency`.
    func customer(_ email: String, mugs: Int32 = 2, currency: String = "RUB") async throws -> Metadata {
        let customer = IdentityHarness.bearer(try await self.harness.customer(email: email).accessToken)
        var line = Souk_Catalog_V1_SetCartLineRequest()
        line.sku = "MUG-350"
        line.quantity = mugs
        line.currency = currency
        _ = try await self.harness.catalog.setCartLine(line, metadata: customer)
        return customer
    }

    func quotes(
        _ customer: Metadata,
        to address: Souk_Identity_V1_Address = Self.moscow,
        currency: String = "RUB"
    ) async throws -> Souk_Delivery_V1_GetShippingQuotesResponse {
        var request = Souk_Delivery_V1_GetShippingQuotesRequest()
        request.address = address
        request.currency = currency
        return try await self.delivery.getShippingQuotes(request, metadata: customer)
    }

    func place(
        _ customer: Metadata,
        quote: String,
        address: Souk_Identity_V1_Address = Self.moscow,
        key: String = "order-1",
        currency: String = "RUB"
    ) async throws -> Souk_Catalog_V1_Order {
        var request = Souk_Catalog_V1_PlaceOrderRequest()
        request.idempotencyKey = key
        request.currency = currency
        request.shippingQuoteID = quote
        request.deliveryAddress = address
        return try await self.harness.orders.placeOrder(request, metadata: customer)
    }

    func move(_ order: Souk_Catalog_V1_Order, to status: Souk_Catalog_V1_OrderStatus) async throws {
        var request = Souk_Catalog_V1_UpdateOrderStatusRequest()
        request.orderID = order.id
        request.status = status
        _ = try await self.harness.orders.updateOrderStatus(request, metadata: self.admin)
    }

    func order(_ id: String) async throws -> Souk_Catalog_V1_Order {
        var request = Souk_Catalog_V1_GetOrderRequest()
        request.orderID = id
        return try await self.harness.orders.getOrder(request, metadata: self.admin)
    }

    func moveShipment(
        _ shipment: Souk_Delivery_V1_Shipment,
        to status: Souk_Delivery_V1_ShipmentStatus
    ) async throws -> Souk_Delivery_V1_Shipment {
        var request = Souk_Delivery_V1_UpdateShipmentStatusRequest()
        request.shipmentID = shipment.id
        request.status = status
        request.note = "by hand"
        return try await self.delivery.updateShipmentStatus(request, metadata: self.admin)
    }

    /// The order's shipment, once delivery has followed the order's move to packed: polled every 100 ms for up to
    /// 30 s (the follower runs beside the calls).
    func shipment(of order: Souk_Catalog_V1_Order, as customer: Metadata) async throws -> Souk_Delivery_V1_Shipment {
        var request = Souk_Delivery_V1_TrackMyOrderRequest()
        request.orderID = order.id
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                return try await self.delivery.trackMyOrder(request, metadata: customer)
            } catch let error as RPCError where error.code == .notFound && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Polls `read` every 100 ms for up to 30 s until `done` holds, answering the last value read.
    /// A second delivery service on `postgres`, beside the host's, with the shop's wall clock and clients and the
    /// given couriers: for calling its internals directly.
    func standaloneService(
        postgres: PostgresClient,
        couriers: [any Courier],
        settings: DeliverySettings
    ) -> DeliveryService {
        DeliveryService(
            postgres: postgres,
            logger: Logger(label: "test"),
            wallClock: self.wallClock,
            catalog: self.harness.catalog,
            orders: self.harness.orders,
            couriers: couriers,
            settings: settings
        )
    }

    /// `email`'s order of one mug to Austin, by EasyPost's first rate, in USD, paid (not yet packed).
    func paidEasyPostOrder(_ email: String) async throws -> (customer: Metadata, order: Souk_Catalog_V1_Order) {
        let customer = try await self.customer(email, mugs: 1, currency: "USD")
        let austin = CourierBookingTests.austin
        let quotes = try await self.quotes(customer, to: austin, currency: "USD")
        let quote = try #require(quotes.quotes.first { $0.carrier == "easypost" })
        let order = try await self.place(customer, quote: quote.id, address: austin, currency: "USD")
        try await self.move(order, to: .paid)
        return (customer, order)
    }

    func eventually<Value: Sendable>(
        _ read: () async throws -> Value,
        until done: (Value) -> Bool
    ) async throws -> Value {
        let deadline = ContinuousClock.now + .seconds(30)
        var value = try await read()
        while !done(value), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            value = try await read()
        }
        return value
    }
}

/// The delivery service's typed client over the harness's transport.
struct DeliveryCalls: DomainClientMaker {
    func make<Transport: ClientTransport>(
        _ client: GRPCClient<Transport>
    ) -> any Souk_Delivery_V1_DeliveryService.ClientProtocol {
        Souk_Delivery_V1_DeliveryService.Client(wrapping: client)
    }
}

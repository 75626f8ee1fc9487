import Foundation
import GRPCCore
import SoukAPI
import SoukDomain
import SoukHost
import SoukIdentity
import SoukLocalProviders
import SoukPayments
import TestSupport

/// A shop taking payments through a local Stripe: one published mug (1290.00 RUB / 14.99 USD, 5 in MSK-1), and a
/// second host on the same database serving every domain in process as a service account that may move orders,
/// with the payments domain pointed at the local Stripe.
struct PaymentsShop {
    static let webhookSecret = "whsec_local_test"

    let harness: IdentityHarness
    let stripe: LocalStripeServer
    let yooKassa: LocalYooKassaServer
    let admin: Metadata
    let payments: any Souk_Payments_V1_PaymentService.ClientProtocol
    let orders: any Souk_Catalog_V1_OrderService.ClientProtocol
    let catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol
    let wallClock: WallClock

    /// Runs `body` with a fresh shop, taking money at once or, with `manualCapture`, authorizing it for staff.
    ///
    /// With `hostAccount`, the second host gets no `--service-client-id` and signs its own calls as the built-in
    /// `svc-host` account that identity, running in the same host, mints tokens for.
    static func with(
        manualCapture: Bool = false,
        hostAccount: Bool = false,
        routes: [String: String] = ["RUB": "yookassa"],
        _ body: @Sendable (PaymentsShop) async throws -> Void
    ) async throws {
        let wallClock = WallClock.manual()
        try await LocalStripeServer.withLocalStripe { stripe in
            try await LocalYooKassaServer.withLocalYooKassa { yooKassa in
                try await IdentityHarness.with(configure: { $0.wallClock = wallClock }) { harness in
                    let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
                    var create = Souk_Identity_V1_CreateServiceAccountRequest()
                    create.name = "payments-host"
                    create.scopes = ["orders.own", "orders.manage"]
                    let account = try await harness.identity.createServiceAccount(create, metadata: admin)
                    try await Self.stockMug(harness.catalog, admin: admin)
                    try await withRunningHost(databaseURL: harness.databaseURL, dataFolder: harness.config.dataFolder) {
                        config in
                        config.services = Set(ServiceName.all)
                        config.listens = false
                        config.identity.passwordParameters = .testing
                        config.wallClock = wallClock
                        if !hostAccount {
                            config.serviceAccount = .init(
                                clientID: account.clientID,
                                clientSecret: account.clientSecret
                            )
                        }
                        var settings = PaymentsSettings(
                            stripe: .init(
                                baseURL: stripe.baseURL,
                                secretKey: "sk_test_local",
                                webhookSecret: Self.webhookSecret
                            ),
                            yooKassa: .init(
                                baseURL: yooKassa.baseURL,
                                shopID: "local-shop",
                                secretKey: "test_local",
                                allowedSources: ["185.71.76.0/27", "2a02:5180:0:1509::/64"]
                            ),
                            providerByCurrency: routes,
                            requestTimeout: .seconds(10)
                        )
                        settings.manualCapture = manualCapture
                        settings.sweepInterval = .milliseconds(100)
                        config.payments = settings
                    } _: { _, prepared, _ in
                        let client = prepared.inProcessClient
                        try await body(
                            PaymentsShop(
                                harness: harness,
                                stripe: stripe,
                                yooKassa: yooKassa,
                                admin: admin,
                                payments: Souk_Payments_V1_PaymentService.Client(wrapping: client),
                                orders: Souk_Catalog_V1_OrderService.Client(wrapping: client),
                                catalog: Souk_Catalog_V1_CatalogService.Client(wrapping: client),
                                wallClock: wallClock
                            )
                        )
                    }
                }
            }
        }
    }

    static func stockMug(
        _ catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol,
        admin: Metadata
    ) async throws {
        try await MugShop.stockMug(catalog, admin: admin)
    }

    /// A new customer with `mugs` in the cart and an order placed in `currency`.
    func customerWithOrder(
        _ email: String,
        mugs: Int32 = 2,
        currency: String = "USD"
    ) async throws -> (Metadata, Souk_Catalog_V1_Order) {
        let customer = IdentityHarness.bearer(try await self.harness.customer(email: email).accessToken)
        let order = try await MugShop.orderMugs(
            mugs,
            currency: currency,
            customer: customer,
            key: "order-\(email)",
            catalog: self.catalog,
            orders: self.orders
        )
        return (customer, order)
    }

    /// A fresh access token for `email`.
    func signIn(_ email: String, password: String = "correct horse battery") async throws -> Metadata {
        IdentityHarness.bearer(try await self.harness.login(email: email, password: password).tokens.accessToken)
    }

    func pay(
        _ order: Souk_Catalog_V1_Order,
        as customer: Metadata,
        key: String = "pay-1",
        method: String = "pm_card_visa"
    ) async throws -> Souk_Payments_V1_CreatePaymentResponse {
        var request = Souk_Payments_V1_CreatePaymentRequest()
        request.orderID = order.id
        request.idempotencyKey = key
        request.returnURL = "https://shop.example/paid"
        request.paymentMethod = method
        return try await self.payments.createPayment(request, metadata: customer)
    }

    func order(_ id: String) async throws -> Souk_Catalog_V1_Order {
        var request = Souk_Catalog_V1_GetOrderRequest()
        request.orderID = id
        return try await self.orders.getOrder(request, metadata: self.admin)
    }

    func payment(_ id: String) async throws -> Souk_Payments_V1_Payment {
        var request = Souk_Payments_V1_GetPaymentRequest()
        request.paymentID = id
        return try await self.payments.getPayment(request, metadata: self.admin)
    }

    /// (on hand, reserved) of the mug in MSK-1.
    func stock() async throws -> (Int32, Int32) {
        var request = Souk_Catalog_V1_GetStockRequest()
        request.sku = "MUG-350"
        let level = try await self.catalog.getStock(request, metadata: self.admin).levels.first {
            $0.warehouse == "MSK-1"
        }
        return (level?.onHand ?? -1, level?.reserved ?? -1)
    }

    func refund(
        _ payment: Souk_Payments_V1_Payment,
        amount: Int64,
        key: String,
        restock: Bool = false
    ) async throws -> Souk_Payments_V1_Payment {
        var request = Souk_Payments_V1_RefundPaymentRequest()
        request.paymentID = payment.id
        request.amountMinorUnits = amount
        request.reason = "the customer sent it back"
        request.idempotencyKey = key
        request.restock = restock
        return try await self.payments.refundPayment(request, metadata: self.admin)
    }
}

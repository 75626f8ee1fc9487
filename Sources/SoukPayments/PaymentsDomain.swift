import AsyncHTTPClient
package import GRPCCore
import SoukAPI
package import SoukAccess
package import SoukDomain
import SoukPaymentProviders
package import SoukStorage

private typealias Payments = Souk_Payments_V1_PaymentService.Method

/// The payments domain: payments of orders through Stripe and YooKassa, refunds, webhooks, reconciliation and the
/// outbox of payment events (`--services payments`). Its providers come from the host's ``PaymentsSettings``.
package struct PaymentsDomain: Domain {
    package static let name = "payments"
    package static let serviceDescriptors = [Souk_Payments_V1_PaymentService.descriptor]
    package static let migrations = [PaymentsMigrations.schema]
    /// Payments read the order they are for (its total and currency) and move it when the money moves.
    package static let requiredServices = [Souk_Catalog_V1_OrderService.descriptor]
    /// Moving an order when its money moves, and reading it back when the move is refused.
    package static let serviceScopes: Set<Permission> = [.ownOrders, .manageOrders]

    package static let accessPolicy: [MethodDescriptor: AccessRequirement] = {
        var rules: [MethodDescriptor: AccessRequirement] = [:]
        // Staff (payments.manage) also read any payment; the service checks ownership otherwise.
        for method in [
            Payments.CreatePayment.descriptor, Payments.GetPayment.descriptor, Payments.ListPayments.descriptor,
            Payments.SyncPayment.descriptor,
        ] {
            rules[method] = .permission(.ownOrders)
        }
        for method in [
            Payments.CapturePayment.descriptor, Payments.CancelPayment.descriptor, Payments.RefundPayment.descriptor,
            Payments.Reconcile.descriptor,
        ] {
            rules[method] = .permission(.managePayments)
        }
        // A provider proves itself by Stripe's signature or by YooKassa's payment re-read from its API, not a token.
        rules[Payments.ReceiveWebhook.descriptor] = .anyone
        rules[Payments.StreamEvents.descriptor] = .permission(.readEvents)
        return rules
    }()

    let service: PaymentService

    package static func make(context: DomainContext) throws -> Self {
        let settings = context.settings[PaymentsSettings.self] ?? PaymentsSettings()
        let orders = try context.clients.client(of: Souk_Catalog_V1_OrderService.descriptor, OrdersClient())
        return Self(
            service: PaymentService(
                postgres: context.postgres,
                logger: context.logger,
                wallClock: context.wallClock,
                orders: orders,
                providers: Self.providers(settings, context: context),
                settings: settings
            )
        )
    }

    /// The providers `settings` has keys for, on the process's shared HTTP client.
    static func providers(_ settings: PaymentsSettings, context: DomainContext) -> [any PaymentProvider] {
        var providers: [any PaymentProvider] = []
        if let stripe = settings.stripe {
            let client = StripeClient(
                httpClient: .shared,
                config: .init(
                    baseURL: stripe.baseURL,
                    secretKey: StripeSecretKey(stripe.secretKey),
                    requestTimeout: settings.requestTimeout
                ),
                logger: context.logger
            )
            let wallClock = context.wallClock
            providers.append(
                StripePaymentProvider(client: client, webhookSecret: stripe.webhookSecret, now: { wallClock.now })
            )
        }
        if let yooKassa = settings.yooKassa {
            let client = YooKassaClient(
                httpClient: .shared,
                config: .init(
                    baseURL: yooKassa.baseURL,
                    shopID: yooKassa.shopID,
                    secretKey: YooKassaSecretKey(yooKassa.secretKey),
                    requestTimeout: settings.requestTimeout
                ),
                logger: context.logger
            )
            providers.append(YooKassaPaymentProvider(client: client, allowedSources: yooKassa.allowedSources))
        }
        return providers
    }

    package var services: [any RegistrableRPCService] { [self.service] }

    /// Expires attempts not finished within the order's stock hold, and cancels their orders.
    package func runInBackground() async throws {
        try await self.service.expireOverdueForever()
    }
}

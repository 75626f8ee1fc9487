import Crypto
import Foundation
import GRPCCore
import Logging
import ServiceLifecycle
import SoukAPI
import SoukDomain
import SoukLocalProviders
import SoukPayments

/// The payment providers of a shop with no provider keys on the embedded database: the local Stripe and YooKassa
/// contract servers on loopback, in memory, started with the host, their webhooks and notifications delivered to
/// the payments service over the in-process transport. Test cards and redirect pages stand in for real money: a
/// sandbox, never a way to take payments (a host on a `DATABASE_URL` with no keys takes none instead).
struct PaymentsSandbox {
    let stripe: LocalStripeServer
    let yooKassa: LocalYooKassaServer
    /// The settings that point the payments domain at the two servers.
    let settings: PaymentsSettings

    /// Servers on free loopback ports, delivering through `clients` (the domains' clients; the payment service is
    /// among them once the domains are built).
    init(base: PaymentsSettings, clients: DomainClients, logger: Logger) throws {
        let stripePort = try PortCheck.freePort()
        let yooKassaPort = try PortCheck.freePort()
        let secretKey = "sk_test_sandbox_\(Self.random())"
        let webhookSecret = "whsec_sandbox_\(Self.random())"
        let yooKassaKey = "test_sandbox_\(Self.random())"
        let deliver = Self.deliverer(clients: clients, logger: logger)
        self.stripe = LocalStripeServer(
            config: .init(
                secretKey: secretKey,
                port: stripePort,
                webhooks: .init(destination: .handler { try await deliver("stripe", $0) }, secret: webhookSecret)
            ),
            logger: logger
        )
        self.yooKassa = LocalYooKassaServer(
            config: .init(
                shopID: "sandbox",
                secretKey: yooKassaKey,
                port: yooKassaPort,
                notifications: .init(destination: .handler { try await deliver("yookassa", $0) })
            ),
            logger: logger
        )
        var settings = base
        settings.stripe = .init(
            baseURL: "http://127.0.0.1:\(stripePort)",
            secretKey: secretKey,
            webhookSecret: webhookSecret
        )
        settings.yooKassa = .init(
            baseURL: "http://127.0.0.1:\(yooKassaPort)",
            shopID: "sandbox",
            secretKey: yooKassaKey
        )
        self.settings = settings
    }

    var services: [any Service] { [self.stripe, self.yooKassa] }

    /// Hands a webhook to the payment service as the bridge would, answering the HTTP status a provider sees.
    private static func deliverer(
        clients: DomainClients,
        logger: Logger
    ) -> @Sendable (String, LocalWebhook) async throws -> Int {
        { provider, webhook in
            let payments = try clients.client(of: Souk_Payments_V1_PaymentService.descriptor, PaymentsClient())
            var request = Souk_Payments_V1_ReceiveWebhookRequest()
            request.provider = provider
            request.body = Data(webhook.body)
            request.signature = webhook.headers["Stripe-Signature"] ?? ""
            request.sourceAddress = "127.0.0.1"
            do {
                _ = try await payments.receiveWebhook(request)
                return 200
            } catch let error as RPCError {
                logger.warning(
                    "the sandbox's webhook was refused",
                    metadata: ["provider": "\(provider)", "code": "\(error.code)", "error": "\(error.message)"]
                )
                switch error.code {
                case .unauthenticated: return 401
                case .invalidArgument, .failedPrecondition: return 400
                default: return 503
                }
            }
        }
    }

    private static func random() -> String {
        SymmetricKey(size: .bits128).withUnsafeBytes { bytes in bytes.map { String(format: "%02x", $0) }.joined() }
    }
}

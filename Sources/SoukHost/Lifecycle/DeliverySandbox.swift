import Crypto
import Foundation
import GRPCCore
import Logging
import ServiceLifecycle
import SoukAPI
import SoukCouriers
import SoukDelivery
import SoukDomain
import SoukLocalProviders

/// The couriers of a shop with no courier keys on the embedded database: the local CDEK and EasyPost contract
/// servers on loopback, in memory, started with the host. Their shipments advance one step on each read, so the
/// delivery poller moves them to delivered; EasyPost's signed webhooks are delivered to the delivery service over
/// the in-process transport. A sandbox: nothing is ever shipped.
struct DeliverySandbox {
    let cdek: LocalCDEKServer
    let easyPost: LocalEasyPostServer
    /// The settings that point the delivery domain at the two servers.
    let settings: DeliverySettings

    /// Servers on free loopback ports, delivering EasyPost's webhooks through `clients`.
    init(base: DeliverySettings, clients: DomainClients, logger: Logger) throws {
        let cdekPort = try PortCheck.freePort()
        let easyPostPort = try PortCheck.freePort()
        let cdekSecret = "sandbox_\(Self.random())"
        let apiKey = "EZTK_sandbox_\(Self.random())"
        let webhookSecret = "sandbox_\(Self.random())"
        self.cdek = LocalCDEKServer(
            config: .init(clientID: "sandbox", clientSecret: cdekSecret, port: cdekPort, advancesOnRead: true),
            logger: logger
        )
        self.easyPost = LocalEasyPostServer(
            config: .init(
                apiKey: apiKey,
                port: easyPostPort,
                advancesOnRead: true,
                webhooks: .init(
                    destination: .handler { try await Self.deliver($0, clients: clients, logger: logger) },
                    secret: CourierSecret(webhookSecret)
                )
            ),
            logger: logger
        )
        var settings = base
        settings.cdek = .init(
            baseURL: "http://127.0.0.1:\(cdekPort)",
            clientID: "sandbox",
            clientSecret: CourierSecret(cdekSecret)
        )
        settings.easyPost = .init(
            baseURL: "http://127.0.0.1:\(easyPostPort)",
            apiKey: CourierSecret(apiKey),
            webhookSecret: CourierSecret(webhookSecret)
        )
        self.settings = settings
    }

    var services: [any Service] { [self.cdek, self.easyPost] }

    /// Hands an EasyPost webhook to the delivery service as the bridge would, answering the HTTP status EasyPost
    /// sees.
    private static func deliver(_ webhook: LocalWebhook, clients: DomainClients, logger: Logger) async throws -> Int {
        let delivery = try clients.client(of: Souk_Delivery_V1_DeliveryService.descriptor, DeliveryClient())
        var request = Souk_Delivery_V1_CourierWebhookRequest()
        request.carrier = "easypost"
        request.body = Data(webhook.body)
        for (name, value) in webhook.headers { request.headers[name.lowercased()] = value }
        do {
            _ = try await delivery.receiveCourierWebhook(request)
            return 200
        } catch let error as RPCError {
            logger.warning(
                "the sandbox's courier webhook was refused",
                metadata: ["carrier": "easypost", "code": "\(error.code)", "error": "\(error.message)"]
            )
            switch error.code {
            case .unauthenticated: return 401
            case .invalidArgument: return 400
            default: return 503
            }
        }
    }

    private static func random() -> String {
        SymmetricKey(size: .bits128).withUnsafeBytes { bytes in bytes.map { String(format: "%02x", $0) }.joined() }
    }
}

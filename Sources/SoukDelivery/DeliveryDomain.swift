import AsyncHTTPClient
package import GRPCCore
import SoukAPI
package import SoukAccess
import SoukCouriers
package import SoukDomain
package import SoukStorage

private typealias Delivery = Souk_Delivery_V1_DeliveryService.Method

/// The delivery domain: the merchant's tariff, quotes at checkout, shipments of packed orders with their status
/// machine and tracking, and the outbox of delivery events (`--services delivery`).
package struct DeliveryDomain: Domain {
    package static let name = "delivery"
    package static let serviceDescriptors = [Souk_Delivery_V1_DeliveryService.descriptor]
    package static let migrations = [DeliveryMigrations.schema]
    /// Quotes weigh the customer's cart; shipments follow the orders' events and move orders as they travel.
    package static let requiredServices = [
        Souk_Catalog_V1_CatalogService.descriptor, Souk_Catalog_V1_OrderService.descriptor,
    ]
    /// Following the orders' events, reading an order's address to book a courier, moving orders, and reading the
    /// warehouses parcels ship from.
    package static let serviceScopes: Set<Permission> = [.readEvents, .manageOrders, .readWarehouses]

    package static let accessPolicy: [MethodDescriptor: AccessRequirement] = {
        var rules: [MethodDescriptor: AccessRequirement] = [:]
        // A customer's own cart, quote and order; staff also track any order.
        for method in [
            Delivery.GetShippingQuotes.descriptor, Delivery.CheckQuote.descriptor, Delivery.TrackMyOrder.descriptor,
        ] {
            rules[method] = .permission(.ownOrders)
        }
        for method in [
            Delivery.GetTariff.descriptor, Delivery.SetTariff.descriptor, Delivery.GetShipment.descriptor,
            Delivery.ListShipments.descriptor, Delivery.UpdateShipmentStatus.descriptor,
            Delivery.WatchShipments.descriptor,
        ] {
            rules[method] = .permission(.manageDelivery)
        }
        // A courier proves itself by EasyPost's signature or by the order re-read from CDEK, not a token.
        rules[Delivery.ReceiveCourierWebhook.descriptor] = .anyone
        rules[Delivery.StreamEvents.descriptor] = .permission(.readEvents)
        return rules
    }()

    let service: DeliveryService

    package static func make(context: DomainContext) throws -> Self {
        let settings = context.settings[DeliverySettings.self] ?? DeliverySettings()
        return Self(
            service: DeliveryService(
                postgres: context.postgres,
                logger: context.logger,
                wallClock: context.wallClock,
                catalog: try context.clients.client(of: Souk_Catalog_V1_CatalogService.descriptor, CatalogClient()),
                orders: try context.clients.client(of: Souk_Catalog_V1_OrderService.descriptor, OrdersClient()),
                couriers: Self.couriers(settings, context: context),
                settings: settings
            )
        )
    }

    /// The couriers `settings` has keys for, on the process's shared HTTP client.
    static func couriers(_ settings: DeliverySettings, context: DomainContext) -> [any Courier] {
        var couriers: [any Courier] = []
        if let cdek = settings.cdek {
            let client = CDEKClient(
                httpClient: .shared,
                config: .init(
                    baseURL: cdek.baseURL,
                    clientID: cdek.clientID,
                    clientSecret: cdek.clientSecret,
                    requestTimeout: settings.requestTimeout
                ),
                logger: context.logger
            )
            couriers.append(CDEKCourier(client: client, origin: settings.origin))
        }
        if let easyPost = settings.easyPost {
            let client = EasyPostClient(
                httpClient: .shared,
                config: .init(
                    baseURL: easyPost.baseURL,
                    apiKey: easyPost.apiKey,
                    requestTimeout: settings.requestTimeout
                ),
                logger: context.logger
            )
            couriers.append(EasyPostCourier(client: client, origin: settings.origin))
        }
        return couriers
    }

    package var services: [any RegistrableRPCService] { [self.service] }

    /// Follows the orders' events (a packed order with a shipping line gets its shipment) and, beside it, polls the
    /// couriers for the shipments in flight.
    package func runInBackground() async throws {
        try await withThrowingTaskGroup { group in
            group.addTask { try await self.service.followOrdersForever() }
            group.addTask { try await self.service.pollCouriersForever() }
            try await group.waitForAll()
        }
    }
}

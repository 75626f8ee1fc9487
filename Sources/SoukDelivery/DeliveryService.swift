import Foundation
package import GRPCCore
package import Logging
package import PostgresNIO
package import SoukAPI
import SoukAccess
package import SoukDomain
import SoukMoney

/// `souk.delivery.v1.DeliveryService`: the merchant's tariff, quotes at checkout, shipments of packed orders, their
/// tracking, and the outbox of delivery events.
package struct DeliveryService: Souk_Delivery_V1_DeliveryService.SimpleServiceProtocol {
    /// How long a quote holds its price.
    /// How often a live stream looks for changes committed by other processes.
    static let pollInterval: Duration = .milliseconds(500)
    /// The carrier name of the merchant's own tariff.
    static let ownCarrier = "souk"

    let store: DeliveryStore
    let catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol
    let orders: any Souk_Catalog_V1_OrderService.ClientProtocol
    let signal: OutboxSignal
    let logger: Logger
    let wallClock: WallClock
    /// The live couriers configured, asked for prices beside the tariff.
    let couriers: [any Courier]
    let settings: DeliverySettings
    /// The shipments being registered in this process, so the follower and the poller never book one twice.
    let registering = RegistrationGuard()

    package init(
        postgres: PostgresClient,
        logger: Logger,
        wallClock: WallClock,
        catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol,
        orders: any Souk_Catalog_V1_OrderService.ClientProtocol,
        couriers: [any Courier] = [],
        settings: DeliverySettings = DeliverySettings()
    ) {
        self.store = DeliveryStore(client: postgres, logger: logger)
        self.catalog = catalog
        self.orders = orders
        self.signal = OutboxSignal()
        self.logger = logger
        self.wallClock = wallClock
        self.couriers = couriers
        self.settings = settings
    }

    /// The configured courier named `name`.
    func courier(named name: String) -> (any Courier)? {
        self.couriers.first { $0.name == name }
    }

    // MARK: Tariff

    package func getTariff(
        request: Souk_Delivery_V1_GetTariffRequest,
        context: ServerContext
    ) async throws -> Souk_Delivery_V1_Tariff {
        try await self.currentTariff()
    }

    package func setTariff(
        request: Souk_Delivery_V1_SetTariffRequest,
        context: ServerContext
    ) async throws -> Souk_Delivery_V1_Tariff {
        let caller = try Self.signedIn().caller
        var tariff = request.tariff
        tariff.updatedAtUnixMs = 0
        try TariffValidation.check(tariff)
        try await self.store.setTariff(tariff, actor: caller.accountID, at: self.wallClock.now)
        return try await self.currentTariff()
    }

    /// The tariff the merchant set, or ``DefaultTariff`` before any was.
    func currentTariff() async throws -> Souk_Delivery_V1_Tariff {
        guard let (tariff, at) = try await self.store.tariff() else { return DefaultTariff.tariff }
        var answer = tariff
        answer.updatedAtUnixMs = ShipmentRecord.unixMilliseconds(at)
        return answer
    }

    // MARK: Helpers

    /// The signed-in caller and their account id.
    static func signedIn() throws -> (account: UUID, caller: Caller) {
        guard let caller = Caller.current, let id = UUID(uuidString: caller.accountID) else {
            throw DeliveryError(.unauthenticated, "delivery needs a signed-in caller")
        }
        return (id, caller)
    }

    static func uuid(_ text: String, field: String) throws -> UUID {
        guard !text.isEmpty else { throw DeliveryError.invalidArgument("\(field): required") }
        guard let id = UUID(uuidString: text.trimmingCharacters(in: .whitespaces)) else {
            throw DeliveryError.invalidArgument("\(field): not an id")
        }
        return id
    }
}

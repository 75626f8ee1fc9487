package import GRPCCore
import SoukAPI
package import SoukAccess
package import SoukDomain
package import SoukStorage

private typealias Catalog = Souk_Catalog_V1_CatalogService.Method
private typealias Orders = Souk_Catalog_V1_OrderService.Method

/// The catalog domain: categories, products, prices, stock, carts, orders and their outbox
/// (`--services catalog`).
package struct CatalogDomain: Domain {
    package static let name = "catalog"
    package static let serviceDescriptors = [
        Souk_Catalog_V1_CatalogService.descriptor, Souk_Catalog_V1_OrderService.descriptor,
    ]
    package static let migrations = [CatalogMigrations.schema]
    /// Carts and orders ask identity for the customer's preferred currency when a request names none.
    package static let requiredServices = [Souk_Identity_V1_IdentityService.descriptor]
    /// Orders placed with a shipping quote have it checked by delivery, when the host reaches it.
    package static let optionalServices = [Souk_Delivery_V1_DeliveryService.descriptor]

    package static let accessPolicy: [MethodDescriptor: AccessRequirement] = {
        var rules: [MethodDescriptor: AccessRequirement] = [:]
        for method in [
            Catalog.ListCategories.descriptor, Catalog.GetProduct.descriptor, Catalog.SearchProducts.descriptor,
        ] {
            rules[method] = .anyone
        }
        for method in [
            Catalog.CreateCategory.descriptor, Catalog.CreateProduct.descriptor, Catalog.PublishProduct.descriptor,
            Catalog.UpdateProduct.descriptor, Catalog.ImportProducts.descriptor, Catalog.SetStock.descriptor,
            Catalog.GetStock.descriptor, Catalog.ReserveStock.descriptor, Catalog.ConsumeReservation.descriptor,
            Catalog.ReleaseReservation.descriptor,
        ] {
            rules[method] = .permission(.editCatalog)
        }
        // Warehouses are changed by whoever sets stock (catalog.edit) and read by staff and by services that ship
        // from them (warehouses.read, which delivery's service account holds without editing the catalog).
        for method in [Catalog.CreateWarehouse.descriptor, Catalog.UpdateWarehouse.descriptor] {
            rules[method] = .permission(.editCatalog)
        }
        rules[Catalog.ListWarehouses.descriptor] = .permission(.readWarehouses)
        for method in [Catalog.GetCart.descriptor, Catalog.SetCartLine.descriptor] {
            rules[method] = .permission(.ownCart)
        }
        // GetOrder also lets staff (orders.manage) read any order; the service checks ownership otherwise.
        for method in [
            Orders.PlaceOrder.descriptor, Orders.ListMyOrders.descriptor, Orders.CancelMyOrder.descriptor,
            Orders.GetOrder.descriptor,
        ] {
            rules[method] = .permission(.ownOrders)
        }
        for method in [
            Orders.ListOrders.descriptor, Orders.UpdateOrderStatus.descriptor, Orders.WatchOrders.descriptor,
        ] {
            rules[method] = .permission(.manageOrders)
        }
        rules[Orders.StreamEvents.descriptor] = .permission(.readEvents)
        return rules
    }()

    let catalog: CatalogService
    let orders: OrderService
    /// Keeps the products the services show in memory coherent with the database; they are read from it until
    /// this listens.
    let changes: CatalogChanges

    package static func make(context: DomainContext) throws -> Self {
        let identity = try context.clients.client(of: Souk_Identity_V1_IdentityService.descriptor, IdentityClient())
        let delivery = Souk_Delivery_V1_DeliveryService.descriptor
        let deliveryClient =
            context.clients.reaches(delivery) ? try context.clients.client(of: delivery, DeliveryClient()) : nil
        // One store for both services, so an order's stock change drops the products the catalog keeps.
        let store = PostgresCatalogStore(client: context.postgres, logger: context.logger, wallClock: context.wallClock)
        return Self(
            catalog: CatalogService(store: store, identity: identity),
            orders: OrderService(
                store: store,
                identity: identity,
                delivery: deliveryClient,
                ring: context.settings[DataKeyRing.self]
            ),
            changes: CatalogChanges(
                client: context.postgres,
                logger: context.logger,
                caches: CatalogCaches(products: store.productCache, rates: store.rateCache)
            )
        )
    }

    package var services: [any RegistrableRPCService] { [self.catalog, self.orders] }

    package func prepare() async throws {
        try await self.catalog.prepare()
    }

    /// Listens for the catalog's changes (``CatalogChange``) while the host serves.
    package func runInBackground() async throws {
        await self.changes.run()
    }
}

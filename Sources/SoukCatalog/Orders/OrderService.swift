import Foundation
package import GRPCCore
package import Logging
package import PostgresNIO
package import SoukAPI

/// `souk.catalog.v1.OrderService`: orders placed from carts, their state machine and history, and the outbox of
/// domain events other services follow.
package struct OrderService: Souk_Catalog_V1_OrderService.SimpleServiceProtocol {
    /// The service's name in health checks.
    package static let serviceName = "souk.catalog.v1.OrderService"

    let store: CatalogStore

    package init(postgres: PostgresClient, logger: Logger) {
        self.store = CatalogStore(client: postgres, logger: logger)
    }

    package func placeOrder(
        request: Souk_Catalog_V1_PlaceOrderRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Order {
        throw RPCError(code: .unimplemented, message: "being built")
    }

    package func listMyOrders(
        request: Souk_Catalog_V1_ListMyOrdersRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_ListOrdersResponse {
        throw RPCError(code: .unimplemented, message: "being built")
    }

    package func cancelMyOrder(
        request: Souk_Catalog_V1_CancelMyOrderRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Order {
        throw RPCError(code: .unimplemented, message: "being built")
    }

    package func getOrder(
        request: Souk_Catalog_V1_GetOrderRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Order {
        throw RPCError(code: .unimplemented, message: "being built")
    }

    package func listOrders(
        request: Souk_Catalog_V1_ListOrdersRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_ListOrdersResponse {
        throw RPCError(code: .unimplemented, message: "being built")
    }

    package func updateOrderStatus(
        request: Souk_Catalog_V1_UpdateOrderStatusRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Order {
        throw RPCError(code: .unimplemented, message: "being built")
    }

    package func watchOrders(
        request: Souk_Catalog_V1_WatchOrdersRequest,
        response: RPCWriter<Souk_Catalog_V1_OrderUpdate>,
        context: ServerContext
    ) async throws {
        throw RPCError(code: .unimplemented, message: "being built")
    }

    package func streamEvents(
        request: Souk_Catalog_V1_StreamEventsRequest,
        response: RPCWriter<Souk_Catalog_V1_DomainEvent>,
        context: ServerContext
    ) async throws {
        throw RPCError(code: .unimplemented, message: "being built")
    }
}

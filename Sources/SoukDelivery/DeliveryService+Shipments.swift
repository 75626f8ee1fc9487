import Foundation
package import GRPCCore
package import SoukAPI
import SoukAccess
import SoukDomain
import SoukStorage
import SwiftProtobuf

extension DeliveryService {
    package func trackMyOrder(
        request: Souk_Delivery_V1_TrackMyOrderRequest,
        context: ServerContext
    ) async throws -> Souk_Delivery_V1_Shipment {
        let (customer, caller) = try Self.signedIn()
        guard !request.orderID.isEmpty else { throw DeliveryError.invalidArgument("order_id: required") }
        // The order service resolves the reference (id, number or prefix) among the caller's own orders.
        var orderRequest = Souk_Catalog_V1_GetOrderRequest()
        orderRequest.orderID = request.orderID
        let order: Souk_Catalog_V1_Order
        do {
            order = try await self.orders.getOrder(orderRequest, metadata: caller.onBehalfMetadata)
        } catch let error as RPCError where [.notFound, .invalidArgument].contains(error.code) {
            throw DeliveryError(error.code, error.message)
        }
        guard let id = UUID(uuidString: order.id), let shipment = try await self.store.shipment(id),
            shipment.customer == customer || caller.has(.manageDelivery)
        else {
            throw DeliveryError.notFound("order_id: order \(order.number) has no shipment yet; it ships once packed")
        }
        return shipment.message
    }

    package func getShipment(
        request: Souk_Delivery_V1_GetShipmentRequest,
        context: ServerContext
    ) async throws -> Souk_Delivery_V1_Shipment {
        let id = try Self.uuid(request.id, field: "id")
        guard let shipment = try await self.store.shipment(id) else {
            throw DeliveryError.notFound("id: no shipment or order \(request.id.prefix(40)) with a shipment")
        }
        return shipment.message
    }

    package func listShipments(
        request: Souk_Delivery_V1_ListShipmentsRequest,
        context: ServerContext
    ) async throws -> Souk_Delivery_V1_ListShipmentsResponse {
        guard (0...100).contains(request.pageSize) else {
            throw DeliveryError.invalidArgument("page_size: 1 to 100, or 0 for 20")
        }
        let size = request.pageSize == 0 ? 20 : Int(request.pageSize)
        var before: Int64?
        if !request.pageToken.isEmpty {
            guard let number = Int64(request.pageToken), number > 0 else {
                throw DeliveryError.invalidArgument("page_token: not a token this call returned")
            }
            before = number
        }
        var statuses: [ShipmentStatus] = []
        for status in request.statuses {
            guard let known = ShipmentStatus(status) else {
                throw DeliveryError.invalidArgument("statuses: \(status) is not a shipment status")
            }
            statuses.append(known)
        }
        guard request.carrier.count <= 32 else { throw DeliveryError.invalidArgument("carrier: at most 32 characters") }
        let found = try await self.store.shipments(
            statuses: statuses,
            carrier: request.carrier.isEmpty ? nil : request.carrier,
            before: before,
            limit: size + 1
        )
        var response = Souk_Delivery_V1_ListShipmentsResponse()
        response.shipments = found.prefix(size).map(\.message)
        if found.count > size, let last = found.prefix(size).last,
            let number = try await self.store.number(of: last.id)
        {
            response.nextPageToken = String(number)
        }
        return response
    }

    package func updateShipmentStatus(
        request: Souk_Delivery_V1_UpdateShipmentStatusRequest,
        context: ServerContext
    ) async throws -> Souk_Delivery_V1_Shipment {
        let caller = try Self.signedIn().caller
        let id = try Self.uuid(request.shipmentID, field: "shipment_id")
        guard let status = ShipmentStatus(request.status) else {
            throw DeliveryError.invalidArgument("status: required, one of \(ShipmentStatus.allCases.map(\.rawValue))")
        }
        guard request.note.count <= 500 else { throw DeliveryError.invalidArgument("note: at most 500 characters") }
        guard status != .cancelled else {
            throw DeliveryError.failedPrecondition(
                "status: a shipment is cancelled by refunding its order before the parcel is handed over, not by hand"
            )
        }
        let now = self.wallClock.now
        let (shipment, _) = try await self.store.update(id) { shipment in
            guard shipment.carrier == Self.ownCarrier else {
                throw DeliveryError.failedPrecondition(
                    "shipment_id: \(shipment.carrier) moves this shipment; only the shop's own deliveries are moved by hand"
                )
            }
            try shipment.move(to: status, source: caller.accountID, at: now, note: request.note)
            return "shipment.status_changed"
        }
        self.signal.pulse()
        await self.followOrder(of: shipment)
        return shipment.message
    }

    package func watchShipments(
        request: Souk_Delivery_V1_WatchShipmentsRequest,
        response: RPCWriter<Souk_Delivery_V1_ShipmentUpdate>,
        context: ServerContext
    ) async throws {
        try await self.signal.follow(
            after: try await self.store.lastEventPosition(),
            endAtBacklog: false,
            cancellation: context.cancellation,
            pollInterval: Self.pollInterval,
            positionOf: \.position,
            fetch: { try await self.store.events(after: $0, limit: $1) },
            deliver: { event in
                var update = Souk_Delivery_V1_ShipmentUpdate()
                update.type = event.type
                update.shipment = try Souk_Delivery_V1_Shipment(serializedBytes: event.payload)
                try await response.write(update)
            }
        )
    }

    package func streamEvents(
        request: Souk_Delivery_V1_StreamEventsRequest,
        response: RPCWriter<Souk_Delivery_V1_DomainEvent>,
        context: ServerContext
    ) async throws {
        guard request.afterPosition >= 0 else {
            throw DeliveryError.invalidArgument("after_position: 0 or the position of the last event processed")
        }
        try await self.signal.follow(
            after: request.afterPosition,
            endAtBacklog: !request.follow,
            cancellation: context.cancellation,
            pollInterval: Self.pollInterval,
            positionOf: \.position,
            fetch: { try await self.store.events(after: $0, limit: $1) },
            deliver: { event in
                var message = Souk_Delivery_V1_DomainEvent()
                message.position = event.position
                message.type = event.type
                message.aggregateID = event.aggregate.uuidString.lowercased()
                message.occurredAtUnixMs = ShipmentRecord.unixMilliseconds(event.occurredAt)
                message.shipment = try Souk_Delivery_V1_Shipment(serializedBytes: event.payload)
                try await response.write(message)
            }
        )
    }
}

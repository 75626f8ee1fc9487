import Foundation
import SoukAPI
import SoukMoney

/// A shipment as stored: one order's parcel with its courier, route, promise and history.
struct ShipmentRecord: Sendable {
    struct Change: Sendable {
        /// Nil for the change that created the shipment.
        var from: ShipmentStatus?
        var to: ShipmentStatus
        /// An account id, `courier:<carrier>` or `delivery`.
        var source: String
        var at: Date
        var courierStatus: String
        var note: String
    }

    var id: UUID
    var order: UUID
    var orderNumber: Int64
    var customer: UUID
    var quote: UUID?
    var status: ShipmentStatus
    var carrier: String
    var serviceCode: String
    var serviceName: String
    var courierReference: String
    var trackingNumber: String
    var labelURL: String
    var registrationError: String
    var originWarehouse: String
    var originCity: String
    var destination: Destination
    var cost: Money
    var promisedMinDays: Int
    var promisedMaxDays: Int
    var handedOverAt: Date?
    var deliveredAt: Date?
    var history: [Change]
    var createdAt: Date
    var updatedAt: Date

    /// Moves the shipment to `next`, recording who or what moved it.
    ///
    /// - Throws: ``DeliveryError`` (failed precondition) when the machine does not allow the move.
    mutating func move(
        to next: ShipmentStatus,
        source: String,
        at: Date,
        courierStatus: String = "",
        note: String = ""
    )
        throws
    {
        guard self.status.canMove(to: next) else {
            throw DeliveryError.failedPrecondition(
                "status: a shipment \(self.status.rawValue) cannot move to \(next.rawValue)"
                    + (self.status.isFinal ? " (it is final)" : " (shipments never move back)")
            )
        }
        self.history.append(
            Change(from: self.status, to: next, source: source, at: at, courierStatus: courierStatus, note: note)
        )
        if next.rank >= ShipmentStatus.handedOver.rank, self.handedOverAt == nil, next != .returned, next != .cancelled
        {
            self.handedOverAt = at
        }
        if next == .delivered { self.deliveredAt = at }
        self.status = next
        self.updatedAt = at
    }

    /// Whole days from handing over to delivery, once delivered.
    var actualDays: Int? {
        guard let handedOverAt, let deliveredAt else { return nil }
        return Int((deliveredAt.timeIntervalSince(handedOverAt) / 86_400).rounded(.up))
    }

    var message: Souk_Delivery_V1_Shipment {
        var shipment = Souk_Delivery_V1_Shipment()
        shipment.id = self.id.uuidString.lowercased()
        shipment.orderID = self.order.uuidString.lowercased()
        shipment.orderNumber = self.orderNumber
        shipment.customerAccountID = self.customer.uuidString.lowercased()
        shipment.status = self.status.message
        shipment.carrier = self.carrier
        shipment.serviceCode = self.serviceCode
        shipment.serviceName = self.serviceName
        shipment.trackingNumber = self.trackingNumber
        shipment.labelURL = self.labelURL
        shipment.registrationError = self.registrationError
        shipment.route.originWarehouse = self.originWarehouse
        shipment.route.originCity = self.originCity
        shipment.route.destinationCountry = self.destination.country
        shipment.route.destinationRegion = self.destination.region
        shipment.route.destinationCity = self.destination.city
        shipment.cost.minorUnits = self.cost.minorUnits
        shipment.cost.currency = self.cost.currency.code
        shipment.promisedMinDays = Int32(self.promisedMinDays)
        shipment.promisedMaxDays = Int32(self.promisedMaxDays)
        shipment.handedOverAtUnixMs = self.handedOverAt.map(Self.unixMilliseconds) ?? 0
        shipment.deliveredAtUnixMs = self.deliveredAt.map(Self.unixMilliseconds) ?? 0
        shipment.actualDays = Int32(self.actualDays ?? 0)
        shipment.history = self.history.map { change in
            var message = Souk_Delivery_V1_ShipmentChange()
            message.from = change.from?.message ?? .unspecified
            message.to = change.to.message
            message.source = change.source
            message.atUnixMs = Self.unixMilliseconds(change.at)
            message.courierStatus = change.courierStatus
            message.note = change.note
            return message
        }
        shipment.createdAtUnixMs = Self.unixMilliseconds(self.createdAt)
        shipment.updatedAtUnixMs = Self.unixMilliseconds(self.updatedAt)
        return shipment
    }

    static func unixMilliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}

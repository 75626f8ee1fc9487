import Foundation
import GRPCCore
import Logging
import SoukAPI
import SoukCouriers
import SoukDomain
import SoukMoney

extension DeliveryService {
    /// The name the orders' stream position is stored under.
    static let ordersStream = "orders"

    /// Follows the orders' events from the stored position until cancelled, creating a shipment for each order
    /// packed with a shipping quote; after a failure (orders not reachable yet) waits and resumes where it was.
    ///
    /// Each pass reads the backlog and ends, then the follower waits a second: a stream held open would keep the
    /// host's graceful shutdown waiting on a call that never ends.
    func followOrdersForever() async throws {
        while !Task.isCancelled {
            do {
                try await self.followOrders()
                try await Task.sleep(for: Self.followInterval)
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                self.logger.warning("delivery: following orders failed, resuming in 2 s: \(error)")
                try await Task.sleep(for: .seconds(2))
            }
        }
    }

    /// The options of the calls delivery makes on its own: bounded, so that no call can keep the host's shutdown
    /// waiting.
    static var backgroundCall: CallOptions {
        var options = CallOptions.defaults
        options.timeout = .seconds(30)
        return options
    }

    /// How long the follower waits between passes over the orders' new events.
    static let followInterval: Duration = .seconds(1)

    /// One pass: every order event after the stored position, up to the end of the backlog.
    func followOrders() async throws {
        var request = Souk_Catalog_V1_StreamEventsRequest()
        request.afterPosition = try await self.store.position(of: Self.ordersStream)
        request.follow = false
        // The events are read to the end of the backlog first and handled after the stream has ended: handling
        // calls other services, and no call is made while this one is open.
        let events = try await self.orders.streamEvents(request, options: Self.backgroundCall) { response in
            var events: [Souk_Catalog_V1_DomainEvent] = []
            for try await event in response.messages { events.append(event) }
            return events
        }
        for event in events {
            try await self.handle(event)
        }
    }

    /// Acts on one order event and stores its position in the same transaction: a packed order with a shipping
    /// line gets its shipment (once: a shipment per order).
    func handle(_ event: Souk_Catalog_V1_DomainEvent) async throws {
        let order = event.order
        if event.type == "order.status_changed", order.status == .refunded, let orderID = UUID(uuidString: order.id) {
            try await self.cancelShipment(ofOrder: orderID, number: order.number)
            try await self.store.setPosition(event.position, of: Self.ordersStream)
            return
        }
        guard event.type == "order.status_changed", order.status == .packed, order.hasShipping,
            let orderID = UUID(uuidString: order.id), let customer = UUID(uuidString: order.customerAccountID)
        else {
            try await self.store.setPosition(event.position, of: Self.ordersStream)
            return
        }
        var quote: QuoteRecord?
        if let quoteID = UUID(uuidString: order.shipping.quoteID) { quote = try await self.store.quote(quoteID) }
        let currency = try Currency.named(
            order.shipping.price.currency.isEmpty ? order.currency : order.shipping.price.currency
        )
        let now = self.wallClock.now
        let warehouse = order.lines.first?.warehouse ?? ""
        let shipment = ShipmentRecord(
            id: UUID(),
            order: orderID,
            orderNumber: order.number,
            customer: customer,
            quote: quote?.id,
            status: .created,
            carrier: order.shipping.carrier,
            serviceCode: order.shipping.serviceCode,
            serviceName: order.shipping.serviceName,
            // A courier's shipment gets its tracking reference when registered; the quote keeps what booking needs.
            courierReference: "",
            trackingNumber: order.shipping.carrier == Self.ownCarrier ? Self.trackingNumber(order: order.number) : "",
            labelURL: "",
            registrationError: "",
            originWarehouse: warehouse,
            originCity: await self.city(ofWarehouse: warehouse),
            destination: quote?.destination
                ?? Destination(
                    country: order.shipping.address.country,
                    region: order.shipping.address.region,
                    city: order.shipping.address.city,
                    postalCode: ""
                ),
            cost: Money(minorUnits: order.shipping.price.minorUnits, currency: currency),
            promisedMinDays: Int(order.shipping.minDays),
            promisedMaxDays: Int(order.shipping.maxDays),
            handedOverAt: nil,
            deliveredAt: nil,
            history: [
                .init(from: nil, to: .created, source: "delivery", at: now, courierStatus: "", note: "order packed")
            ],
            createdAt: now,
            updatedAt: now
        )
        let created = try await self.store.create(shipment, stream: Self.ordersStream, position: event.position)
        self.signal.pulse()
        // A courier outage leaves the shipment unregistered with its reason; the poller tries again.
        if created.carrier != Self.ownCarrier { await self.register(created) }
    }

    /// An order refunded before its parcel was handed over: its booking is cancelled with the courier and the
    /// shipment moves to cancelled. A parcel the courier already has stays on its way (it is recalled with the
    /// courier and comes back as returned); a courier that cannot be reached is named in the change's note, for
    /// staff to cancel the booking by hand. Nothing when the order has no shipment or it is final. Repeatable.
    func cancelShipment(ofOrder orderID: UUID, number: Int64) async throws {
        guard let shipment = try await self.store.shipment(orderID), !shipment.status.isFinal else { return }
        guard shipment.status == .created else {
            self.logger.notice(
                "delivery: an order was refunded while its parcel is on its way; recall it with the courier",
                metadata: ["order": "\(number)", "status": "\(shipment.status.rawValue)"]
            )
            return
        }
        var note = "order refunded"
        if shipment.carrier != Self.ownCarrier, !shipment.courierReference.isEmpty,
            let courier = self.courier(named: shipment.carrier)
        {
            do {
                try await courier.cancel(
                    trackingReference: shipment.courierReference,
                    draft: try await self.store.registrationDraft(of: shipment.id)
                )
                note += "; the \(shipment.carrier) booking was cancelled"
            } catch let error as CourierError where error.code == .notFound {
                note += "; \(shipment.carrier) has no such booking"
            } catch let error as CourierError where error.code == .invalidRequest {
                // The courier has the parcel: it goes on, and is recalled like any parcel on its way.
                self.logger.notice(
                    "delivery: an order was refunded but the courier has its parcel; recall it with the courier",
                    metadata: ["order": "\(number)", "carrier": "\(shipment.carrier)", "code": "\(error.code)"]
                )
                return
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                note +=
                    "; the \(shipment.carrier) booking could not be cancelled (\(Self.code(of: error))): cancel it there"
                self.logger.warning(
                    "delivery: a refunded order's courier booking was not cancelled; cancel it with the courier",
                    metadata: ["order": "\(number)", "carrier": "\(shipment.carrier)"]
                )
            }
        }
        let now = self.wallClock.now
        let (_, changed) = try await self.store.update(shipment.id) { record in
            guard record.status.canMove(to: .cancelled) else { return nil }
            try record.move(to: .cancelled, source: "delivery", at: now, note: note)
            return "shipment.status_changed"
        }
        if changed { self.signal.pulse() }
    }

    /// The shop's own tracking number for an order: `SOUK` and the order's number.
    static func trackingNumber(order number: Int64) -> String {
        "SOUK" + String(number).leftPadded(to: 8)
    }

    /// The city of a warehouse, as the catalog has it (read as the host's service account); the code itself when
    /// the catalog cannot say, so a shipment is never held up by it.
    func city(ofWarehouse code: String) async -> String {
        guard let city = await self.warehouse(code)?.address.city, !city.isEmpty else { return code }
        return city
    }

    /// The catalog's warehouse `code` (read as the host's service account); nil when it has none or cannot be
    /// read (logged).
    func warehouse(_ code: String) async -> Souk_Catalog_V1_Warehouse? {
        do {
            let warehouses = try await self.catalog.listWarehouses(.init(), options: Self.backgroundCall).warehouses
            return warehouses.first { $0.code == code }
        } catch {
            self.logger.warning("delivery: the catalog's warehouses could not be read: \(error)")
            return nil
        }
    }

    /// Moves the order along with its shipment: handed over and on its way → shipped, delivered → delivered. The
    /// order service refuses a move it does not allow (the order is already there, or was refunded); that is
    /// logged, not retried.
    func followOrder(of shipment: ShipmentRecord) async {
        let targets: [Souk_Catalog_V1_OrderStatus]
        switch shipment.status {
        case .handedOver, .inTransit, .outForDelivery, .failedAttempt: targets = [.shipped]
        case .delivered: targets = [.shipped, .delivered]
        case .created, .returned, .cancelled: targets = []
        }
        for target in targets {
            var request = Souk_Catalog_V1_UpdateOrderStatusRequest()
            request.orderID = shipment.order.uuidString.lowercased()
            request.status = target
            request.note = "shipment \(shipment.status.rawValue)"
            do {
                _ = try await self.orders.updateOrderStatus(request, options: Self.backgroundCall)
            } catch let error as RPCError where error.code == .failedPrecondition {
                self.logger.debug("delivery: order \(shipment.orderNumber) not moved to \(target): \(error.message)")
            } catch {
                self.logger.warning("delivery: order \(shipment.orderNumber) not moved to \(target): \(error)")
            }
        }
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - self.count)) + self
    }
}

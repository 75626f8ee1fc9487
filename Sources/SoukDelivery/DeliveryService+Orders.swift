import Foundation
import GRPCCore
import Logging
import SoukAPI
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

    /// The shop's own tracking number for an order: `SOUK` and the order's number.
    static func trackingNumber(order number: Int64) -> String {
        "SOUK" + String(number).leftPadded(to: 8)
    }

    /// The city of a warehouse, as the catalog has it (read as the host's service account); the code itself when
    /// the catalog cannot say, so a shipment is never held up by it.
    func city(ofWarehouse code: String) async -> String {
        do {
            let warehouses = try await self.catalog.listWarehouses(.init(), options: Self.backgroundCall).warehouses
            if let city = warehouses.first(where: { $0.code == code })?.address.city, !city.isEmpty { return city }
        } catch {
            self.logger.warning("delivery: the catalog's warehouses could not be read: \(error)")
        }
        return code
    }

    /// Moves the order along with its shipment: handed over and on its way → shipped, delivered → delivered. The
    /// order service refuses a move it does not allow (the order is already there, or was refunded); that is
    /// logged, not retried.
    func followOrder(of shipment: ShipmentRecord) async {
        let targets: [Souk_Catalog_V1_OrderStatus]
        switch shipment.status {
        case .handedOver, .inTransit, .outForDelivery, .failedAttempt: targets = [.shipped]
        case .delivered: targets = [.shipped, .delivered]
        case .created, .returned: targets = []
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

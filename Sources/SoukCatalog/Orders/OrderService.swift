import Foundation
package import GRPCCore
package import Logging
package import PostgresNIO
package import SoukAPI
import SoukAccess
package import SoukDomain
import SoukMoney
import SoukStorage
import SwiftProtobuf

/// `souk.catalog.v1.OrderService`: orders placed from carts, their state machine and history, and the outbox of
/// domain events other services follow.
package struct OrderService: Souk_Catalog_V1_OrderService.SimpleServiceProtocol {
    /// The service's name in health checks.
    package static let serviceName = "souk.catalog.v1.OrderService"
    /// How long a placed order holds its stock before payment.
    static let paymentHold: TimeInterval = 3600
    /// How often a live stream looks for changes committed by other processes.
    static let pollInterval: Duration = .milliseconds(500)

    let store: any CatalogStore
    let signal: OutboxSignal
    /// Where a customer's preferred currency is read when an order names none (nil: the currency is required).
    let identity: (any Souk_Identity_V1_IdentityService.ClientProtocol)?
    /// Where shipping quotes are checked (nil: delivery is not reachable, and orders are placed without one).
    let delivery: (any Souk_Delivery_V1_DeliveryService.ClientProtocol)?
    /// Seals and opens delivery addresses (nil: orders with a delivery address are refused).
    let ring: DataKeyRing?

    /// - Parameter identity: the identity service's client, for the customer's preferred currency.
    package init(
        postgres: PostgresClient,
        logger: Logger,
        wallClock: WallClock = .system,
        identity: (any Souk_Identity_V1_IdentityService.ClientProtocol)? = nil,
        delivery: (any Souk_Delivery_V1_DeliveryService.ClientProtocol)? = nil,
        ring: DataKeyRing? = nil
    ) {
        self.init(
            store: PostgresCatalogStore(client: postgres, logger: logger, wallClock: wallClock),
            identity: identity,
            delivery: delivery,
            ring: ring
        )
    }

    /// A service on `store`.
    ///
    /// - Parameter identity: the identity service's client, for the customer's preferred currency.
    init(
        store: any CatalogStore,
        identity: (any Souk_Identity_V1_IdentityService.ClientProtocol)? = nil,
        delivery: (any Souk_Delivery_V1_DeliveryService.ClientProtocol)? = nil,
        ring: DataKeyRing? = nil
    ) {
        self.store = store
        self.signal = OutboxSignal()
        self.identity = identity
        self.delivery = delivery
        self.ring = ring
    }

    // MARK: The caller's own orders

    package func placeOrder(
        request: Souk_Catalog_V1_PlaceOrderRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Order {
        let customer = try Caller.signedInAccount(owning: "orders")
        guard (1...128).contains(request.idempotencyKey.count) else {
            throw CatalogError.invalidArgument("idempotency_key: required, 1 to 128 characters")
        }
        // An order that names no currency is in the customer's preferred one, as identity has it now; a retry
        // with the same key gets the order placed first whatever the profile says by then.
        let named = try CatalogService.currency(request.currency)
        let fingerprint = try Self.fingerprint(request, currency: named)
        let checkout = try await self.store.checkout(customer: customer, key: request.idempotencyKey)
        if let id = checkout.existing, let existing = try await self.store.order(id) {
            return try self.replay(existing, fingerprint: fingerprint)
        }
        let currency: Currency
        if let named {
            currency = named
        } else {
            guard let preferred = try await PreferredCurrency(identity: self.identity).current() else {
                throw CatalogError.invalidArgument("currency: required (ISO 4217, e.g. RUB)")
            }
            currency = preferred
        }
        var draft = try await self.draft(
            cart: checkout.cart,
            customer: customer,
            currency: currency,
            key: request.idempotencyKey,
            fingerprint: fingerprint
        )
        if !request.shippingQuoteID.isEmpty {
            draft = try await self.shipped(draft, quote: request.shippingQuoteID, address: request.deliveryAddress)
        }
        do {
            let order = try await self.store.place(
                draft,
                holdUntil: self.store.wallClock.now.addingTimeInterval(Self.paymentHold),
                event: Self.payload
            )
            self.signal.pulse()
            return try self.reply(order)
        } catch let error where SQLState(of: error) == .uniqueViolation {
            // The same key raced in from a retry: answer with the order that won.
            guard let existing = try await self.store.order(customer: customer, key: request.idempotencyKey) else {
                throw error
            }
            return try self.replay(existing, fingerprint: fingerprint)
        }
    }

    package func listMyOrders(
        request: Souk_Catalog_V1_ListMyOrdersRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_ListOrdersResponse {
        var filter = OrderFilter()
        filter.customer = try Caller.signedInAccount(owning: "orders")
        return try await self.page(filter, size: request.pageSize, token: request.pageToken)
    }

    package func cancelMyOrder(
        request: Souk_Catalog_V1_CancelMyOrderRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Order {
        let customer = try Caller.signedInAccount(owning: "orders")
        let id = try await self.orderID(request.orderID, owner: customer)
        let order = try await self.store.move(
            order: id,
            to: .cancelled,
            actor: customer,
            note: "cancelled by the customer",
            owner: customer,
            restock: false,
            event: Self.payload
        )
        self.signal.pulse()
        return try self.reply(order)
    }

    package func getOrder(
        request: Souk_Catalog_V1_GetOrderRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Order {
        let caller = try Caller.signedInAccount(owning: "orders")
        let staff = Caller.current?.has(.manageOrders) == true
        let id = try await self.orderID(request.orderID, owner: staff ? nil : caller)
        // Someone else's order does not exist for a customer.
        guard let order = try await self.store.order(id), order.customer == caller || staff else {
            throw CatalogError.notFound("order_id: no order \(request.orderID)")
        }
        return try self.reply(order)
    }

    // MARK: Staff

    package func listOrders(
        request: Souk_Catalog_V1_ListOrdersRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_ListOrdersResponse {
        var filter = OrderFilter()
        for (index, status) in request.statuses.enumerated() {
            guard let status = OrderStatus(status) else {
                throw CatalogError.invalidArgument("statuses[\(index)]: not a status")
            }
            filter.statuses.append(status)
        }
        if !request.customerAccountID.isEmpty {
            filter.customer = try CatalogService.id(request.customerAccountID, field: "customer_account_id")
        }
        filter.currency = try CatalogService.currency(request.currency)?.code
        guard request.placedFromUnixMs >= 0, request.placedBeforeUnixMs >= 0 else {
            throw CatalogError.invalidArgument("placed_from_unix_ms: times are Unix milliseconds, not negative")
        }
        if request.placedFromUnixMs > 0 { filter.placedFrom = Self.date(request.placedFromUnixMs) }
        if request.placedBeforeUnixMs > 0 { filter.placedBefore = Self.date(request.placedBeforeUnixMs) }
        if let from = filter.placedFrom, let before = filter.placedBefore, from >= before {
            throw CatalogError.invalidArgument("placed_before_unix_ms: must be after placed_from_unix_ms")
        }
        return try await self.page(filter, size: request.pageSize, token: request.pageToken)
    }

    package func updateOrderStatus(
        request: Souk_Catalog_V1_UpdateOrderStatusRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Order {
        let actor = try Caller.signedInAccount(owning: "orders")
        let id = try await self.orderID(request.orderID, owner: nil)
        guard let status = OrderStatus(request.status) else {
            throw CatalogError.invalidArgument("status: required (the status to move the order to)")
        }
        guard request.note.count <= 500 else { throw CatalogError.invalidArgument("note: at most 500 characters") }
        guard !request.restock || status == .refunded else {
            throw CatalogError.invalidArgument("restock: only a move to refunded returns the units to stock")
        }
        let order = try await self.store.move(
            order: id,
            to: status,
            actor: actor,
            note: request.note,
            owner: nil,
            restock: request.restock,
            event: Self.payload
        )
        self.signal.pulse()
        return try self.reply(order)
    }

    /// The id of the one order `text` names (see ``OrderReference``), among `owner`'s orders when given, so a
    /// customer's prefix never reveals that someone else's order exists.
    /// - Throws: ``CatalogError`` naming `order_id`: invalid argument when malformed or ambiguous, not found.
    private func orderID(_ text: String, owner: UUID?) async throws -> UUID {
        let reference = try OrderReference(text, field: "order_id")
        if case .id(let id) = reference { return id }
        var ids = try await self.store.orderIDs(matching: reference, owner: owner)
        if ids.isEmpty, case .number(_, let prefix?) = reference {
            ids = try await self.store.orderIDs(matching: .idPrefix(prefix), owner: owner)
        }
        guard let id = ids.first else { throw CatalogError.notFound("order_id: no order \(text.prefix(40))") }
        guard ids.count == 1 else {
            throw CatalogError.invalidArgument(
                "order_id: '\(text.prefix(40))' is the start of more than one order's id; give more of it"
            )
        }
        return id
    }

    /// The watch starts at the newest committed event, and only then are the response headers sent: a client that
    /// has the headers knows that every change committed from then on reaches it.
    package func watchOrders(
        request: ServerRequest<Souk_Catalog_V1_WatchOrdersRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Catalog_V1_OrderUpdate> {
        let position = try await self.store.lastEventPosition()
        return StreamingServerResponse(metadata: [:]) { writer in
            try await self.watchOrders(after: position, response: writer, context: context)
            return [:]
        }
    }

    package func watchOrders(
        request: Souk_Catalog_V1_WatchOrdersRequest,
        response: RPCWriter<Souk_Catalog_V1_OrderUpdate>,
        context: ServerContext
    ) async throws {
        try await self.watchOrders(
            after: try await self.store.lastEventPosition(),
            response: response,
            context: context
        )
    }

    private func watchOrders(
        after position: Int64,
        response: RPCWriter<Souk_Catalog_V1_OrderUpdate>,
        context: ServerContext
    ) async throws {
        try await self.follow(after: position, endAtBacklog: false, context: context) { event in
            var update = Souk_Catalog_V1_OrderUpdate()
            update.type = event.type
            update.order = try Souk_Catalog_V1_Order(serializedBytes: event.payload)
            try await response.write(update)
        }
    }

    package func streamEvents(
        request: Souk_Catalog_V1_StreamEventsRequest,
        response: RPCWriter<Souk_Catalog_V1_DomainEvent>,
        context: ServerContext
    ) async throws {
        guard request.afterPosition >= 0 else {
            throw CatalogError.invalidArgument("after_position: 0 or the position of the last event processed")
        }
        try await self.follow(after: request.afterPosition, endAtBacklog: !request.follow, context: context) { event in
            var message = Souk_Catalog_V1_DomainEvent()
            message.position = event.position
            message.type = event.type
            message.aggregateID = event.aggregate.uuidString.lowercased()
            message.occurredAtUnixMs = OrderRecord.unixMilliseconds(event.occurredAt)
            message.order = try Souk_Catalog_V1_Order(serializedBytes: event.payload)
            try await response.write(message)
        }
    }

    // MARK: Helpers

    /// Hands every committed event after `position` to `deliver`, in order; then ends (`endAtBacklog`) or waits
    /// for more until the call is cancelled (``SoukDomain/OutboxSignal/follow(after:endAtBacklog:cancellation:pollInterval:batch:positionOf:fetch:deliver:)``).
    private func follow(
        after position: Int64,
        endAtBacklog: Bool,
        context: ServerContext,
        deliver: (OutboxEvent) async throws -> Void
    ) async throws {
        try await self.signal.follow(
            after: position,
            endAtBacklog: endAtBacklog,
            cancellation: context.cancellation,
            pollInterval: Self.pollInterval,
            positionOf: \.position,
            fetch: { try await self.store.events(after: $0, limit: $1) },
            deliver: deliver
        )
    }

    /// The order to place: the caller's `cart` priced on the server in `currency`, with the rates used.
    private func draft(
        cart: [(sku: String, product: UUID, quantity: Int)],
        customer: UUID,
        currency: Currency,
        key: String,
        fingerprint: String
    ) async throws
        -> OrderDraft
    {
        let cart = cart.sorted { $0.sku < $1.sku }
        guard !cart.isEmpty else {
            throw CatalogError.failedPrecondition("cart: empty; add lines with SetCartLine first")
        }
        let records = try await self.store.committedProducts(ids: Array(Set(cart.map(\.product))))
        let products = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
        let rates = try await self.store.rateBook()
        var lines: [OrderDraft.Line] = []
        var used: [String: ExchangeRate] = [:]
        var total = Money.zero(currency)
        for line in cart {
            guard let product = products[line.product], product.published,
                let sku = product.skus.first(where: { $0.code == line.sku })
            else { throw CatalogError.failedPrecondition("cart: \(line.sku) is no longer on sale; remove it") }
            guard let (unit, rate) = try CatalogService.pricing(of: sku, in: currency, rates: rates) else {
                throw CatalogError.failedPrecondition("cart: \(line.sku) has no price")
            }
            if let rate { used["\(rate.base.code)\(rate.quote.code)"] = rate }
            do {
                let lineTotal = try unit.multiplied(by: Int64(line.quantity))
                total = try total.adding(lineTotal)
                lines.append(
                    .init(
                        sku: line.sku,
                        title: product.title,
                        quantity: line.quantity,
                        unitMinor: unit.minorUnits,
                        lineMinor: lineTotal.minorUnits
                    )
                )
            } catch let error as MoneyError {
                throw CatalogError.invalidArgument("quantity: \(error)")
            }
        }
        return OrderDraft(
            id: UUID(),
            customer: customer,
            currency: currency,
            idempotencyKey: key,
            fingerprint: fingerprint,
            lines: lines,
            totalMinor: total.minorUnits,
            rates: used.keys.sorted().compactMap { used[$0] }
        )
    }

    private func page(
        _ filter: OrderFilter,
        size: Int32,
        token: String
    ) async throws
        -> Souk_Catalog_V1_ListOrdersResponse
    {
        let size = size == 0 ? 20 : Int(size)
        guard (1...100).contains(size) else { throw CatalogError.invalidArgument("page_size: 1…100 (0 means 20)") }
        var before: Int64?
        if !token.isEmpty {
            guard let number = Int64(token), number > 0 else {
                throw CatalogError.invalidArgument("page_token: not a token from a previous page")
            }
            before = number
        }
        let orders = try await self.store.orders(matching: filter, before: before, limit: size + 1)
        var response = Souk_Catalog_V1_ListOrdersResponse()
        response.orders = try orders.prefix(size).map { try self.reply($0) }
        if orders.count > size, let last = orders.prefix(size).last { response.nextPageToken = String(last.number) }
        return response
    }

    /// A retried PlaceOrder: the same payload gets the order placed the first time; another payload is refused.
    private func replay(_ order: OrderRecord, fingerprint: String) throws -> Souk_Catalog_V1_Order {
        guard order.fingerprint == fingerprint else {
            throw CatalogError.failedPrecondition(
                "idempotency_key: already used for order \(order.number) with another payload"
            )
        }
        return try self.reply(order)
    }

    /// The order as its customer and staff see it: with the delivery address opened.
    func reply(_ order: OrderRecord) throws -> Souk_Catalog_V1_Order {
        var message = order.message
        if let shipping = order.shipping, !shipping.sealedAddress.isEmpty {
            guard let ring = self.ring else {
                throw CatalogError(.failedPrecondition, "order \(order.number): no data keys to open its address")
            }
            message.shipping.address = try shipping.address(order: order.id, ring: ring)
        }
        return message
    }

    private static func payload(_ order: OrderRecord) throws -> [UInt8] {
        try order.message.serializedBytes()
    }

    private static func date(_ unixMilliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(unixMilliseconds) / 1000)
    }
}

import Foundation
import GRPCCore
import Logging
import NIOCore
import PostgresNIO
import SoukAPI
import SoukDomain
import SoukMoney
import SoukStorage
import SwiftProtobuf

/// Orders, their history and the outbox. Every order change and its domain event are written in one
/// transaction; the event's position is taken under one advisory lock held to commit, so positions become
/// visible in increasing order and a consumer that reads "after my position" never skips an event.
extension PostgresCatalogStore: OrderStore {
    /// The orders' events: orders placed and moved.
    static let outbox = Outbox(schema: "catalog", lock: 0x536F_756B_4F75_7462)  // "SoukOutb"

    /// Moves an order to `status` under a row lock, applying the move's effect on its reservations, recording
    /// who did it and appending `order.status_changed`. Moving to the status it already has changes nothing
    /// (a retried call). `owner`, when set, must be the order's customer (otherwise NOT_FOUND).
    func move(
        order id: UUID,
        to status: OrderStatus,
        actor: UUID,
        note: String,
        owner: UUID?,
        restock: Bool,
        event: (OrderRecord) throws -> [UInt8]
    ) async throws -> OrderRecord {
        var result: OrderRecord?
        try await self.transaction { connection in
            let run: QueryRunner = {
                CollectedRows(try await connection.guardedQuery($0, logger: self.logger).collect())
            }
            let locked = try await connection.guardedQuery(
                "SELECT customer_id FROM catalog.orders WHERE id = \(id) FOR UPDATE",
                logger: self.logger
            )
            var customer: UUID?
            for try await value in locked.decode(UUID.self) { customer = value }
            guard let customer, owner == nil || owner == customer,
                var record = try await Self.orders(ids: [id], run: run).first
            else { throw CatalogError.notFound("order_id: no order \(id.uuidString.lowercased())") }
            if record.status == status {
                result = record
                return
            }
            guard record.status.canMove(to: status) else {
                let allowed = record.status.next.map(\.rawValue).joined(separator: ", ")
                throw CatalogError.failedPrecondition(
                    "status: an order that is \(record.status.rawValue) cannot become \(status.rawValue)"
                        + (allowed.isEmpty ? " (it is final)" : "; allowed: \(allowed)")
                )
            }
            switch status.reservationEffect {
            case .none: break
            case .consume, .release:
                let consume = status.reservationEffect == .consume
                for line in record.lines {
                    let moved = try await Self.finish(
                        id: line.reservation,
                        consume: consume,
                        now: self.wallClock.now,
                        on: connection,
                        logger: self.logger
                    )
                    if consume, !moved {
                        throw CatalogError.failedPrecondition(
                            "status: the stock hold of \(line.sku) expired before payment; cancel the order and place it again"
                        )
                    }
                }
            }
            // Goods that came back with a refund return to the stock payment took them from.
            if restock, status == .refunded {
                for line in record.lines {
                    try await connection.guardedQuery(
                        """
                        UPDATE catalog.stock SET on_hand = on_hand + \(line.quantity)
                        WHERE sku = \(line.sku) AND warehouse = \(line.warehouse)
                        """,
                        logger: self.logger
                    )
                }
            }
            let changed = try await connection.guardedQuery(
                """
                UPDATE catalog.orders SET status = \(status.rawValue), updated_at = now() WHERE id = \(id)
                RETURNING updated_at
                """,
                logger: self.logger
            )
            var at = Date()
            for try await value in changed.decode(Date.self) { at = value }
            try await connection.guardedQuery(
                """
                INSERT INTO catalog.order_history (order_id, seq, from_status, to_status, actor_id, at, note)
                VALUES (\(id), \(record.history.count), \(record.status.rawValue), \(status.rawValue), \(actor), \(at),
                    \(note))
                """,
                logger: self.logger
            )
            record.history.append(.init(from: record.status, to: status, actor: actor, at: at, note: note))
            record.status = status
            record.updatedAt = at
            try await Self.appendEvent(
                type: "order.status_changed",
                aggregate: id,
                payload: try event(record),
                on: connection,
                logger: self.logger
            )
            result = record
        }
        guard let result else { throw CatalogError(.internalError, "order: the transaction returned nothing") }
        if status.reservationEffect != .none || (restock && status == .refunded) {
            self.productCache.invalidate(skus: result.lines.map(\.sku))
        }
        return result
    }

    /// The order with `id`.
    func order(_ id: UUID) async throws -> OrderRecord? {
        try await Self.orders(ids: [id], run: self.runner).first
    }

    /// The ids of at most two orders that `reference` names (a number or an id prefix), of `owner` only when
    /// given: two mean the prefix is ambiguous.
    func orderIDs(matching reference: OrderReference, owner: UUID?) async throws -> [UUID] {
        let number: Int64?
        let pattern: String?
        switch reference {
        case .id(let id): return [id]
        case .number(let value, _): (number, pattern) = (value, nil)
        // Hex digits and dashes only (checked when parsed), so nothing in the prefix is a LIKE wildcard.
        case .idPrefix(let prefix): (number, pattern) = (nil, prefix + "%")
        }
        let rows = try await self.client.guardedQuery(
            """
            SELECT id FROM catalog.orders
            WHERE (\(owner)::uuid IS NULL OR customer_id = \(owner))
              AND (\(number)::bigint IS NULL OR number = \(number))
              AND (\(pattern)::text IS NULL OR id::text LIKE \(pattern))
            ORDER BY number LIMIT 2
            """,
            logger: self.logger
        )
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }

    /// The order `customer` placed with `key`.
    func order(customer: UUID, key: String) async throws -> OrderRecord? {
        let rows = try await self.client.guardedQuery(
            "SELECT id FROM catalog.orders WHERE customer_id = \(customer) AND idempotency_key = \(key)",
            logger: self.logger
        )
        for try await id in rows.decode(UUID.self) { return try await self.order(id) }
        return nil
    }

    /// Orders matching `filter`, newest first, after the order numbered `before` (keyset page).
    func orders(matching filter: OrderFilter, before: Int64?, limit: Int) async throws -> [OrderRecord] {
        let statuses = filter.statuses.map(\.rawValue)
        let rows = try await self.client.guardedQuery(
            """
            SELECT id FROM catalog.orders
            WHERE (cardinality(\(statuses)::text[]) = 0 OR status = ANY(\(statuses)::text[]))
              AND (\(filter.customer)::uuid IS NULL OR customer_id = \(filter.customer))
              AND (\(filter.currency)::text IS NULL OR currency = \(filter.currency))
              AND (\(filter.placedFrom)::timestamptz IS NULL OR created_at >= \(filter.placedFrom))
              AND (\(filter.placedBefore)::timestamptz IS NULL OR created_at < \(filter.placedBefore))
              AND (\(before)::bigint IS NULL OR number < \(before))
            ORDER BY number DESC LIMIT \(limit)
            """,
            logger: self.logger
        )
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return try await Self.orders(ids: ids, run: self.runner)
    }

    // MARK: Outbox

    /// Up to `limit` committed events after `position`, oldest first.
    func events(after position: Int64, limit: Int) async throws -> [OutboxEvent] {
        try await Self.outbox.events(after: position, limit: limit, client: self.client, logger: self.logger)
    }

    /// The position of the last committed event (0 when there is none).
    func lastEventPosition() async throws -> Int64 {
        try await Self.outbox.lastPosition(client: self.client, logger: self.logger)
    }

    /// Appends one event in the caller's transaction, under the outbox lock (held to commit).
    static func appendEvent(
        type: String,
        aggregate: UUID,
        payload: [UInt8],
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await Self.outbox.append(type: type, aggregate: aggregate, payload: payload, on: connection, logger: logger)
    }

    // MARK: Loading

    typealias QueryRunner = (PostgresQuery) async throws -> CollectedRows

    var runner: QueryRunner {
        { [client, logger] query in try await client.guardedQuery(query, logger: logger) }
    }

    /// The orders with `ids`, in that order, with lines, rates and history (four queries for any number).
    static func orders(ids: [UUID], run: QueryRunner) async throws -> [OrderRecord] {
        guard !ids.isEmpty else { return [] }
        var orders: [UUID: OrderRecord] = [:]
        let heads = try await run(
            """
            SELECT id, number, customer_id, status, currency, total_minor, created_at, updated_at, request_fingerprint,
                shipping, delivery_address_sealed
            FROM catalog.orders WHERE id = ANY(\(ids))
            """
        )
        for try await (id, number, customer, status, currency, total, created, updated, fingerprint, shipping, sealed)
            in heads.decode((UUID, Int64, UUID, String, String, Int64, Date, Date, String, ByteBuffer?, String?).self)
        {
            guard let status = OrderStatus(rawValue: status), let currency = Currency.supported[currency] else {
                continue
            }
            orders[id] = OrderRecord(
                id: id,
                number: number,
                customer: customer,
                status: status,
                currency: currency,
                totalMinor: total,
                lines: [],
                rates: [],
                history: [],
                createdAt: created,
                updatedAt: updated,
                shipping: try shipping.map { bytes in
                    OrderShipping(
                        details: try Souk_Catalog_V1_OrderShipping(serializedBytes: Array(buffer: bytes)),
                        sealedAddress: sealed ?? ""
                    )
                },
                fingerprint: fingerprint
            )
        }
        let lines = try await run(
            """
            SELECT order_id, sku, title, quantity, unit_minor, line_minor, warehouse, reservation_id
            FROM catalog.order_lines WHERE order_id = ANY(\(ids)) ORDER BY order_id, position
            """
        )
        for try await (order, sku, title, quantity, unit, line, warehouse, reservation) in lines.decode(
            (UUID, String, String, Int, Int64, Int64, String, UUID).self
        ) {
            orders[order]?.lines.append(
                .init(
                    sku: sku,
                    title: title,
                    quantity: quantity,
                    unitMinor: unit,
                    lineMinor: line,
                    warehouse: warehouse,
                    reservation: reservation
                )
            )
        }
        let rates = try await run(
            """
            SELECT order_id, base, quote, mantissa, scale, source, effective_date
            FROM catalog.order_rates WHERE order_id = ANY(\(ids)) ORDER BY order_id, base, quote
            """
        )
        for try await (order, base, quote, mantissa, scale, source, day) in rates.decode(
            (UUID, String, String, Int64, Int, String, String).self
        ) {
            guard let base = Currency.supported[base], let quote = Currency.supported[quote] else { continue }
            orders[order]?.rates.append(
                try ExchangeRate(
                    base: base,
                    quote: quote,
                    mantissa: mantissa,
                    scale: scale,
                    source: source,
                    effectiveDate: day
                )
            )
        }
        let history = try await run(
            """
            SELECT order_id, from_status, to_status, actor_id, at, note
            FROM catalog.order_history WHERE order_id = ANY(\(ids)) ORDER BY order_id, seq
            """
        )
        for try await (order, from, to, actor, at, note) in history.decode(
            (UUID, String?, String, UUID, Date, String).self
        ) {
            guard let to = OrderStatus(rawValue: to) else { continue }
            orders[order]?.history.append(
                .init(from: from.flatMap(OrderStatus.init(rawValue:)), to: to, actor: actor, at: at, note: note)
            )
        }
        return ids.compactMap { orders[$0] }
    }
}

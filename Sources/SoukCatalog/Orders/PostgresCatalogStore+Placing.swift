import Foundation
import GRPCCore
import PostgresNIO
import SoukDomain
import SoukStorage

extension PostgresCatalogStore {
    func checkout(
        customer: UUID,
        key: String
    ) async throws
        -> (existing: UUID?, cart: [(sku: String, product: UUID, quantity: Int)])
    {
        let rows = try await self.client.guardedQuery(
            """
            SELECT o.id, c.sku, s.product_id, c.quantity
            FROM (SELECT 1) one
            LEFT JOIN catalog.orders o ON o.customer_id = \(customer) AND o.idempotency_key = \(key)
            LEFT JOIN (catalog.cart_lines c JOIN catalog.skus s ON s.code = c.sku)
                ON o.id IS NULL AND c.account_id = \(customer)
            ORDER BY c.added_at, c.sku
            """,
            logger: self.logger
        )
        var existing: UUID?
        var cart: [(sku: String, product: UUID, quantity: Int)] = []
        for try await (order, sku, product, quantity) in rows.decode((UUID?, String?, UUID?, Int?).self) {
            if let order { existing = order }
            if let sku, let product, let quantity { cart.append((sku, product, quantity)) }
        }
        return (existing, cart)
    }

    /// Holds stock for every line, writes the order, its lines, rates and first history entry, empties the cart
    /// and appends `order.placed`; all or nothing. Throws a unique violation (23505) when the idempotency key
    /// was taken meanwhile.
    ///
    /// Four round trips whatever the number of lines: BEGIN, ``PlaceOrderStatement`` (prepared), the outbox append
    /// (which needs the order's number and warehouses for its payload) and COMMIT.
    func place(
        _ draft: OrderDraft,
        holdUntil: Date,
        event: (OrderRecord) throws -> [UInt8]
    ) async throws
        -> OrderRecord
    {
        let statement = PlaceOrderStatement(
            draft: draft,
            reservations: draft.lines.map { _ in UUID() },
            holdUntil: holdUntil,
            now: self.wallClock.now
        )
        var placed: OrderRecord?
        // Holding stock may leave a SKU with none available (and releasing expired holds may give some back).
        defer { self.productCache.invalidate(skus: draft.lines.map(\.sku)) }
        try await self.transaction { connection in
            guard let row = try await connection.guardedExecute(statement, logger: self.logger).first else {
                throw CatalogError(.internalError, "order: the statement that places it returned nothing")
            }
            guard row.cartMatches else {
                throw CatalogError(.aborted, "cart: changed while the order was being placed; place it again")
            }
            // Nothing of a refused order stays: throwing rolls back the order and the lines that were held.
            let warehouses = Dictionary(zip(row.skus, row.warehouses)) { first, _ in first }
            var lines: [OrderRecord.Line] = []
            for (index, (line, reservation)) in zip(draft.lines, statement.reservations).enumerated() {
                guard let warehouse = warehouses[line.sku] else {
                    throw CatalogError.failedPrecondition(
                        "cart: not enough \(line.sku) in stock for \(line.quantity) (line \(index + 1))"
                    )
                }
                lines.append(
                    .init(
                        sku: line.sku,
                        title: line.title,
                        quantity: line.quantity,
                        unitMinor: line.unitMinor,
                        lineMinor: line.lineMinor,
                        warehouse: warehouse,
                        reservation: reservation
                    )
                )
            }
            let record = OrderRecord(
                id: draft.id,
                number: row.number,
                customer: draft.customer,
                status: .pendingPayment,
                currency: draft.currency,
                totalMinor: draft.totalMinor,
                lines: lines,
                rates: draft.rates,
                history: [.init(from: nil, to: .pendingPayment, actor: draft.customer, at: row.createdAt, note: "")],
                createdAt: row.createdAt,
                updatedAt: row.createdAt,
                shipping: draft.shipping,
                fingerprint: draft.fingerprint
            )
            try await Self.appendEvent(
                type: "order.placed",
                aggregate: draft.id,
                payload: try event(record),
                on: connection,
                logger: self.logger
            )
            placed = record
        }
        guard let placed else { throw CatalogError(.internalError, "order: the transaction returned nothing") }
        return placed
    }
}

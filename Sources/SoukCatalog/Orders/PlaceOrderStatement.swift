import Foundation
import NIOCore
import PostgresNIO
import SoukMoney
import SwiftProtobuf

/// Places an order in one statement, prepared once per connection: it locks the cart, returns the expired holds of
/// the order's SKUs to their stock, holds every line in the active warehouse with the most available, writes the
/// order, its lines, rates and first history entry, and empties the cart of the lines it was placed from.
///
/// One statement of data-modifying CTEs runs on one snapshot and each table row is changed at most once, so the
/// release of expired holds is folded into the reserving UPDATE: a stock row's `reserved` goes down by the units
/// freed and up by the units taken in one change, and the warehouse is chosen on what is available once the expired
/// holds are gone. The chosen row is locked (`FOR UPDATE`) and the UPDATE checks `on_hand - reserved` again on the
/// row as it is then, so concurrent checkouts serialize on the row and never oversell (the table's CHECK,
/// `reserved <= on_hand`, is the last guard). Lines are taken in SKU order, so two checkouts lock rows in one order.
///
/// It writes the order whatever the cart and the stock say and reports both: the cart's match and the lines it
/// could hold. The caller rolls the transaction back when the cart changed or a line is short, so nothing of a
/// refused order stays. The cart is deleted through the locked rows, which makes that CTE run first (a row this
/// statement deleted could not be locked any more) and leaves a line added meanwhile in the cart.
struct PlaceOrderStatement: PostgresPreparedStatement {
    /// The order number and creation time, whether the cart held exactly the draft's lines, and the SKUs held with
    /// their warehouses (in SKU order).
    typealias Row = (number: Int64, createdAt: Date, cartMatches: Bool, skus: [String], warehouses: [String])

    static let sql = """
        WITH cart AS (
            SELECT sku, quantity FROM catalog.cart_lines WHERE account_id = $1 FOR UPDATE
        ),
        wanted AS (
            SELECT sku, quantity::int AS quantity, reservation_id, title, unit_minor, line_minor,
                (ordinality - 1)::int AS position
            FROM unnest($2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::bigint[], $7::bigint[])
                WITH ORDINALITY AS w (sku, quantity, reservation_id, title, unit_minor, line_minor, ordinality)
        ),
        expired AS (
            UPDATE catalog.reservations SET state = 'released'
            WHERE sku = ANY ($2::text[]) AND state = 'held' AND expires_at <= $8
            RETURNING sku, warehouse, quantity
        ),
        freed AS (
            SELECT sku, warehouse, sum(quantity)::int AS units FROM expired GROUP BY sku, warehouse
        ),
        chosen AS (
            SELECT w.sku, w.quantity, w.reservation_id, pick.warehouse
            FROM wanted w CROSS JOIN LATERAL (
                SELECT st.warehouse FROM catalog.stock st
                LEFT JOIN freed f ON f.sku = st.sku AND f.warehouse = st.warehouse
                WHERE st.sku = w.sku AND st.on_hand - st.reserved + coalesce(f.units, 0) >= w.quantity
                    AND st.warehouse IN (SELECT code FROM catalog.warehouses WHERE active)
                ORDER BY st.on_hand - st.reserved + coalesce(f.units, 0) DESC, st.warehouse
                LIMIT 1 FOR UPDATE OF st
            ) pick
        ),
        moved AS (
            SELECT sku, warehouse, sum(freed)::int AS freed, sum(taken)::int AS taken
            FROM (
                SELECT sku, warehouse, units AS freed, 0 AS taken FROM freed
                UNION ALL
                SELECT sku, warehouse, 0, quantity FROM chosen
            ) m
            GROUP BY sku, warehouse
        ),
        stocked AS (
            UPDATE catalog.stock st SET reserved = st.reserved - m.freed + m.taken
            FROM moved m
            WHERE st.sku = m.sku AND st.warehouse = m.warehouse AND st.on_hand - st.reserved + m.freed >= m.taken
            RETURNING st.sku, st.warehouse, m.taken
        ),
        held AS (
            INSERT INTO catalog.reservations (id, sku, warehouse, quantity, expires_at, state)
            SELECT c.reservation_id, c.sku, c.warehouse, c.quantity, $9, 'held'
            FROM chosen c JOIN stocked s ON s.sku = c.sku AND s.warehouse = c.warehouse AND s.taken > 0
            RETURNING id, sku, warehouse
        ),
        placed AS (
            INSERT INTO catalog.orders (id, customer_id, status, currency, total_minor, idempotency_key,
                request_fingerprint, shipping, delivery_address_sealed)
            VALUES ($10, $1, 'pending_payment', $11, $12, $13, $14, $15, $16)
            RETURNING number, created_at
        ),
        lined AS (
            INSERT INTO catalog.order_lines (order_id, position, sku, title, quantity, unit_minor, line_minor,
                warehouse, reservation_id)
            SELECT $10, w.position, w.sku, w.title, w.quantity, w.unit_minor, w.line_minor, h.warehouse, h.id
            FROM wanted w JOIN held h ON h.id = w.reservation_id
        ),
        rated AS (
            INSERT INTO catalog.order_rates (order_id, base, quote, mantissa, scale, source, effective_date)
            SELECT $10, base, quote, mantissa, scale, source, effective_date
            FROM unnest($17::text[], $18::text[], $19::bigint[], $20::bigint[], $21::text[], $22::text[])
                AS r (base, quote, mantissa, scale, source, effective_date)
        ),
        recorded AS (
            INSERT INTO catalog.order_history (order_id, seq, from_status, to_status, actor_id, at)
            SELECT $10, 0, NULL, 'pending_payment', $1, created_at FROM placed
        ),
        emptied AS (
            DELETE FROM catalog.cart_lines c USING cart WHERE c.account_id = $1 AND c.sku = cart.sku
        )
        SELECT p.number, p.created_at,
            (SELECT count(*) FROM cart) = cardinality($2::text[])
                AND NOT EXISTS (SELECT sku, quantity FROM cart EXCEPT SELECT sku, quantity FROM wanted),
            coalesce((SELECT array_agg(h.sku ORDER BY h.sku) FROM held h), '{}'),
            coalesce((SELECT array_agg(h.warehouse ORDER BY h.sku) FROM held h), '{}')
        FROM placed p
        """

    static let bindingDataTypes: [PostgresDataType] = [
        .uuid, .textArray, .int8Array, .uuidArray, .textArray, .int8Array, .int8Array, .timestamptz, .timestamptz,
        .uuid, .text, .int8, .text, .text, .bytea, .text, .textArray, .textArray, .int8Array, .int8Array, .textArray,
        .textArray,
    ]

    let draft: OrderDraft
    /// One new reservation id per line of the draft, in its order.
    let reservations: [UUID]
    let holdUntil: Date
    /// Holds that expired by now are released.
    let now: Date

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 22)
        let lines = self.draft.lines
        bindings.append(self.draft.customer)
        bindings.append(lines.map(\.sku))
        bindings.append(lines.map(\.quantity))
        bindings.append(self.reservations)
        bindings.append(lines.map(\.title))
        bindings.append(lines.map(\.unitMinor))
        bindings.append(lines.map(\.lineMinor))
        bindings.append(self.now)
        bindings.append(self.holdUntil)
        bindings.append(self.draft.id)
        bindings.append(self.draft.currency.code)
        bindings.append(self.draft.totalMinor)
        bindings.append(self.draft.idempotencyKey)
        bindings.append(self.draft.fingerprint)
        bindings.append(
            try self.draft.shipping.map { ByteBuffer(bytes: try $0.details.serializedBytes() as [UInt8]) }
        )
        bindings.append(self.draft.shipping?.sealedAddress)
        let rates = self.draft.rates
        bindings.append(rates.map(\.base.code))
        bindings.append(rates.map(\.quote.code))
        bindings.append(rates.map(\.mantissa))
        bindings.append(rates.map(\.scale))
        bindings.append(rates.map(\.source))
        bindings.append(rates.map(\.effectiveDate))
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let (number, createdAt, cartMatches, skus, warehouses) = try row.decode(
            (Int64, Date, Bool, [String], [String]).self
        )
        return (number, createdAt, cartMatches, skus, warehouses)
    }
}

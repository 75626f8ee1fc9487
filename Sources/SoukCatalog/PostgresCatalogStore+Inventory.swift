import Foundation
import Logging
import PostgresNIO
import SoukDomain
import SoukStorage

/// Stock and reservations. A reservation takes its units in one UPDATE whose row lock and re-checked condition
/// (`on_hand - reserved >= quantity`) serialize concurrent checkouts, and the table's CHECK
/// (`reserved <= on_hand`) is the last guard: stock is never oversold.
extension PostgresCatalogStore: InventoryStore {
    func setStock(sku: String, warehouse: String, onHand: Int) async throws -> (onHand: Int, reserved: Int) {
        var result = (onHand: 0, reserved: 0)
        defer { self.productCache.invalidate(skus: [sku]) }
        try await self.transaction { connection in
            try await Self.releaseExpired(sku: sku, now: self.wallClock.now, on: connection, logger: self.logger)
            do {
                let rows = try await connection.guardedQuery(
                    """
                    INSERT INTO catalog.stock (sku, warehouse, on_hand) VALUES (\(sku), \(warehouse), \(onHand))
                    ON CONFLICT (sku, warehouse) DO UPDATE SET on_hand = excluded.on_hand
                    RETURNING on_hand, reserved
                    """,
                    logger: self.logger
                )
                for try await (onHand, reserved) in rows.decode((Int, Int).self) { result = (onHand, reserved) }
            } catch let error where SQLState(of: error) == .foreignKeyViolation {
                throw CatalogError.notFound(
                    "sku or warehouse: no SKU \(sku.prefix(41)) or no warehouse \(warehouse.prefix(41))"
                )
            } catch let error where SQLState(of: error) == .checkViolation {
                throw CatalogError.failedPrecondition("on_hand: below the units reserved now")
            }
        }
        return result
    }

    func stock(sku: String) async throws -> [(warehouse: String, onHand: Int, reserved: Int)] {
        try await self.transaction { connection in
            try await Self.releaseExpired(sku: sku, now: self.wallClock.now, on: connection, logger: self.logger)
        }
        self.productCache.invalidate(skus: [sku])
        let rows = try await self.client.guardedQuery(
            "SELECT warehouse, on_hand, reserved FROM catalog.stock WHERE sku = \(sku) ORDER BY warehouse",
            logger: self.logger
        )
        var levels: [(warehouse: String, onHand: Int, reserved: Int)] = []
        for try await (warehouse, onHand, reserved) in rows.decode((String, Int, Int).self) {
            levels.append((warehouse, onHand, reserved))
        }
        return levels
    }

    func skuExists(_ sku: String) async throws -> Bool {
        let rows = try await self.client.guardedQuery(
            "SELECT 1 FROM catalog.skus WHERE code = \(sku)",
            logger: self.logger
        )
        for try await _ in rows { return true }
        return false
    }

    /// Holds `quantity` units in the active warehouse with the most available; nil when none has enough.
    func reserve(sku: String, quantity: Int, key: String?, expiresAt: Date) async throws -> ReservationRecord? {
        var reservation: ReservationRecord?
        defer { self.productCache.invalidate(skus: [sku]) }
        try await self.transaction { connection in
            reservation = try await Self.reserve(
                sku: sku,
                quantity: quantity,
                key: key,
                expiresAt: expiresAt,
                now: self.wallClock.now,
                on: connection,
                logger: self.logger
            )
        }
        return reservation
    }

    /// ``reserve(sku:quantity:key:expiresAt:)`` inside the caller's transaction (checkout reserves every line of an
    /// order in the transaction that writes the order); holds that expired by `now` are released first.
    static func reserve(
        sku: String,
        quantity: Int,
        key: String?,
        expiresAt: Date,
        now: Date,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> ReservationRecord? {
        try await Self.releaseExpired(sku: sku, now: now, on: connection, logger: logger)
        let rows = try await connection.guardedQuery(
            """
            UPDATE catalog.stock SET reserved = reserved + \(quantity)
            WHERE (sku, warehouse) = (
                SELECT sku, warehouse FROM catalog.stock
                WHERE sku = \(sku) AND on_hand - reserved >= \(quantity)
                    AND warehouse IN (SELECT code FROM catalog.warehouses WHERE active)
                ORDER BY on_hand - reserved DESC, warehouse LIMIT 1 FOR UPDATE
            ) AND on_hand - reserved >= \(quantity)
            RETURNING warehouse
            """,
            logger: logger
        )
        var warehouse: String?
        for try await name in rows.decode(String.self) { warehouse = name }
        guard let warehouse else { return nil }
        let record = ReservationRecord(
            id: UUID(),
            sku: sku,
            warehouse: warehouse,
            quantity: quantity,
            expiresAt: expiresAt,
            state: "held"
        )
        try await connection.guardedQuery(
            """
            INSERT INTO catalog.reservations (id, sku, warehouse, quantity, expires_at, state, idempotency_key)
            VALUES (\(record.id), \(sku), \(warehouse), \(quantity), \(expiresAt), 'held', \(key))
            """,
            logger: logger
        )
        return record
    }

    func reservation(key: String) async throws -> ReservationRecord? {
        try await self.reservations(
            "SELECT id, sku, warehouse, quantity, expires_at, state FROM catalog.reservations WHERE idempotency_key = \(key)"
        ).first
    }

    func reservation(id: UUID) async throws -> ReservationRecord? {
        try await self.reservations(
            "SELECT id, sku, warehouse, quantity, expires_at, state FROM catalog.reservations WHERE id = \(id)"
        ).first
    }

    /// Consumes (payment) or releases (cancellation) a held reservation; a reservation already in that state is
    /// returned as it is, one in the other final state is refused.
    func finish(id: UUID, consume: Bool) async throws -> ReservationRecord? {
        try await self.transaction { connection in
            _ = try await Self.finish(
                id: id,
                consume: consume,
                now: self.wallClock.now,
                on: connection,
                logger: self.logger
            )
        }
        let reservation = try await self.reservation(id: id)
        if let reservation { self.productCache.invalidate(skus: [reservation.sku]) }
        return reservation
    }

    /// ``finish(id:consume:)`` inside the caller's transaction; whether the held reservation moved (false: it was
    /// not held, or it expired by `now` before it could be consumed).
    static func finish(
        id: UUID,
        consume: Bool,
        now: Date,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Bool {
        let target = consume ? "consumed" : "released"
        let rows = try await connection.guardedQuery(
            """
            UPDATE catalog.reservations SET state = \(target)
            WHERE id = \(id) AND state = 'held' AND (\(consume) = false OR expires_at > \(now))
            RETURNING sku, warehouse, quantity
            """,
            logger: logger
        )
        var moved = false
        for try await (sku, warehouse, quantity) in rows.decode((String, String, Int).self) {
            let onHandChange = consume ? quantity : 0
            try await connection.guardedQuery(
                """
                UPDATE catalog.stock SET reserved = reserved - \(quantity), on_hand = on_hand - \(onHandChange)
                WHERE sku = \(sku) AND warehouse = \(warehouse)
                """,
                logger: logger
            )
            moved = true
        }
        return moved
    }

    /// Returns the units of the holds of `sku` that expired by `now` to the stock.
    private static func releaseExpired(
        sku: String,
        now: Date,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let rows = try await connection.guardedQuery(
            """
            UPDATE catalog.reservations SET state = 'released'
            WHERE sku = \(sku) AND state = 'held' AND expires_at <= \(now)
            RETURNING warehouse, quantity
            """,
            logger: logger
        )
        for try await (warehouse, quantity) in rows.decode((String, Int).self) {
            try await connection.guardedQuery(
                "UPDATE catalog.stock SET reserved = reserved - \(quantity) WHERE sku = \(sku) AND warehouse = \(warehouse)",
                logger: logger
            )
        }
    }

    private func reservations(_ query: PostgresQuery) async throws -> [ReservationRecord] {
        let rows = try await self.client.guardedQuery(query, logger: self.logger)
        var records: [ReservationRecord] = []
        for try await (id, sku, warehouse, quantity, expires, state) in rows.decode(
            (UUID, String, String, Int, Date, String).self
        ) {
            records.append(
                ReservationRecord(
                    id: id,
                    sku: sku,
                    warehouse: warehouse,
                    quantity: quantity,
                    expiresAt: expires,
                    state: state
                )
            )
        }
        return records
    }
}

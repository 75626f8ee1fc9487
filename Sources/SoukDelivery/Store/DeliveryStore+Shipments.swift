import Foundation
import Logging
import PostgresNIO
import SoukMoney
import SoukStorage

extension DeliveryStore {
    private static let columns = """
        id, order_id, order_number, customer_id, quote_id, status, carrier, service_code, service_name,
        courier_reference, tracking_number, label_url, registration_error, origin_warehouse, origin_city,
        destination_country, destination_region, destination_city, currency, cost_minor, promised_min_days,
        promised_max_days, handed_over_at, delivered_at, created_at, updated_at, number
        """

    /// Stores a new shipment and its event, and advances `stream` to `position`, in one transaction; when the order
    /// already has a shipment, only advances the position and answers the one it has.
    func create(_ shipment: ShipmentRecord, stream: String, position: Int64) async throws -> ShipmentRecord {
        try await self.transaction { connection in
            let rows = try await connection.guardedQuery(
                """
                INSERT INTO delivery.shipments (id, order_id, order_number, customer_id, quote_id, status, carrier,
                    service_code, service_name, courier_reference, tracking_number, label_url, registration_error,
                    origin_warehouse, origin_city, destination_country, destination_region, destination_city,
                    currency, cost_minor, promised_min_days, promised_max_days, created_at, updated_at)
                VALUES (\(shipment.id), \(shipment.order), \(shipment.orderNumber), \(shipment.customer),
                    \(shipment.quote), \(shipment.status.rawValue), \(shipment.carrier), \(shipment.serviceCode),
                    \(shipment.serviceName), \(shipment.courierReference), \(shipment.trackingNumber),
                    \(shipment.labelURL), \(shipment.registrationError), \(shipment.originWarehouse),
                    \(shipment.originCity), \(shipment.destination.country), \(shipment.destination.region),
                    \(shipment.destination.city), \(shipment.cost.currency.code), \(shipment.cost.minorUnits),
                    \(shipment.promisedMinDays), \(shipment.promisedMaxDays), \(shipment.createdAt),
                    \(shipment.updatedAt))
                ON CONFLICT (order_id) DO NOTHING
                RETURNING id
                """,
                logger: self.logger
            )
            var inserted = false
            for try await _ in rows { inserted = true }
            try await Self.setPosition(position, of: stream, on: connection, logger: self.logger)
            guard inserted else {
                return try await Self.load(
                    where: "order_id = $1",
                    binds: [shipment.order],
                    on: connection,
                    logger: self.logger
                )
                .first!
            }
            for (seq, change) in shipment.history.enumerated() {
                try await Self.insert(change, seq: seq, shipment: shipment.id, on: connection, logger: self.logger)
            }
            try await Self.appendEvent(
                type: "shipment.created",
                shipment: shipment,
                on: connection,
                logger: self.logger
            )
            return shipment
        }
    }

    /// Applies `change` to the shipment `id` under a row lock and stores what it changed, with its event.
    ///
    /// - Parameter change: returns the event type for what it did, or nil when it changed nothing (a duplicate).
    /// - Returns: the shipment after the change, and whether anything changed.
    func update(
        _ id: UUID,
        courierEvent: (carrier: String, id: String)? = nil,
        change: (inout ShipmentRecord) throws -> String?
    ) async throws -> (shipment: ShipmentRecord, changed: Bool) {
        try await self.transaction { connection in
            if let courierEvent {
                // Recorded in the same transaction as what it changed: a repeat finds it and changes nothing.
                let rows = try await connection.guardedQuery(
                    """
                    INSERT INTO delivery.processed_courier_events (carrier, event_id, processed_at)
                    VALUES (\(courierEvent.carrier), \(courierEvent.id), now())
                    ON CONFLICT DO NOTHING RETURNING event_id
                    """,
                    logger: self.logger
                )
                var isNew = false
                for try await _ in rows { isNew = true }
                if !isNew {
                    let found = try await Self.load(where: "id = $1", binds: [id], on: connection, logger: self.logger)
                    guard let shipment = found.first else {
                        throw DeliveryError.notFound("shipment_id: no shipment \(id.uuidString.lowercased())")
                    }
                    return (shipment, false)
                }
            }
            guard
                var shipment = try await Self.load(
                    where: "id = $1",
                    binds: [id],
                    lock: true,
                    on: connection,
                    logger: self.logger
                ).first
            else { throw DeliveryError.notFound("shipment_id: no shipment \(id.uuidString.lowercased())") }
            let before = shipment.history.count
            guard let type = try change(&shipment) else { return (shipment, false) }
            try await connection.guardedQuery(
                """
                UPDATE delivery.shipments SET status = \(shipment.status.rawValue),
                    courier_reference = \(shipment.courierReference), tracking_number = \(shipment.trackingNumber),
                    label_url = \(shipment.labelURL), registration_error = \(shipment.registrationError),
                    handed_over_at = \(shipment.handedOverAt), delivered_at = \(shipment.deliveredAt),
                    updated_at = \(shipment.updatedAt)
                WHERE id = \(shipment.id)
                """,
                logger: self.logger
            )
            for seq in before..<shipment.history.count {
                try await Self.insert(
                    shipment.history[seq],
                    seq: seq,
                    shipment: shipment.id,
                    on: connection,
                    logger: self.logger
                )
            }
            try await Self.appendEvent(type: type, shipment: shipment, on: connection, logger: self.logger)
            return (shipment, true)
        }
    }

    func shipment(_ id: UUID) async throws -> ShipmentRecord? {
        try await self.load(where: "id = $1 OR order_id = $1", id).first
    }

    /// Shipments newest first, `limit` of them, numbered below `before` when given.
    func shipments(
        statuses: [ShipmentStatus],
        carrier: String?,
        before: Int64?,
        limit: Int
    ) async throws
        -> [ShipmentRecord]
    {
        var conditions = ["number < $1"]
        var binds: [(any PostgresEncodable & Sendable)?] = [before ?? Int64.max]
        if !statuses.isEmpty {
            binds.append(statuses.map(\.rawValue))
            conditions.append("status = ANY($\(binds.count))")
        }
        if let carrier {
            binds.append(carrier)
            conditions.append("carrier = $\(binds.count)")
        }
        return try await self.client.withConnection { connection in
            try await Self.load(
                where: conditions.joined(separator: " AND "),
                binds: binds,
                orderBy: "number DESC",
                limit: limit,
                on: connection,
                logger: self.logger
            )
        }
    }

    /// Shipments of couriers that are not final, registered, oldest first: what polling asks couriers about.
    func inFlight(carriers: [String], limit: Int) async throws -> [ShipmentRecord] {
        try await self.client.withConnection { connection in
            try await Self.load(
                where:
                    "carrier = ANY($1) AND status NOT IN ('delivered', 'returned', 'cancelled') AND courier_reference <> ''",
                binds: [carriers],
                orderBy: "updated_at",
                limit: limit,
                on: connection,
                logger: self.logger
            )
        }
    }

    /// Shipments of couriers that are not final and not registered yet (their registration failed, or never ran),
    /// whose next attempt is due at `now`, oldest first: what the poller registers again.
    func unregistered(carriers: [String], now: Date, limit: Int) async throws -> [ShipmentRecord] {
        try await self.client.withConnection { connection in
            try await Self.load(
                where: """
                    carrier = ANY($1) AND status NOT IN ('delivered', 'returned', 'cancelled') AND courier_reference = ''
                        AND (registration_retry_at IS NULL OR registration_retry_at <= $2)
                    """,
                binds: [carriers, now],
                orderBy: "updated_at",
                limit: limit,
                on: connection,
                logger: self.logger
            )
        }
    }

    // MARK: Courier bookings

    /// What the last booking attempt of shipment `id` saved before its step that cannot be repeated; empty when
    /// none did.
    func registrationDraft(of id: UUID) async throws -> String {
        let rows = try await self.client.guardedQuery(
            "SELECT registration_draft FROM delivery.shipments WHERE id = \(id)",
            logger: self.logger
        )
        for try await draft in rows.decode(String.self) { return draft }
        return ""
    }

    /// Saves a booking's draft, unless the shipment was registered meanwhile.
    func saveRegistrationDraft(_ draft: String, for id: UUID) async throws {
        try await self.client.guardedQuery(
            """
            UPDATE delivery.shipments SET registration_draft = \(draft)
            WHERE id = \(id) AND courier_reference = ''
            """,
            logger: self.logger
        )
    }

    /// Whether shipment `id` may be booked at `now`: no attempt has failed yet, or the delay after the last
    /// failure (``deferRegistration(of:now:base:)``) has passed.
    func registrationIsDue(of id: UUID, now: Date) async throws -> Bool {
        let rows = try await self.client.guardedQuery(
            """
            SELECT registration_retry_at IS NULL OR registration_retry_at <= \(now)::timestamptz
            FROM delivery.shipments WHERE id = \(id)
            """,
            logger: self.logger
        )
        for try await due in rows.decode(Bool.self) { return due }
        return false
    }

    /// Counts a failed booking of shipment `id` and puts the next attempt off: `base` after the first failure,
    /// doubling with each one after, never more than an hour.
    ///
    /// - Returns: when the poller tries again.
    func deferRegistration(of id: UUID, now: Date, base: Duration) async throws -> Date? {
        let seconds = max(Double(base.components.seconds) + Double(base.components.attoseconds) / 1e18, 0.001)
        let rows = try await self.client.guardedQuery(
            """
            UPDATE delivery.shipments SET registration_attempts = registration_attempts + 1,
                registration_retry_at = \(now)::timestamptz
                    + least(\(seconds)::float8 * power(2, least(registration_attempts, 20)), 3600) * interval '1 second'
            WHERE id = \(id) AND courier_reference = ''
            RETURNING registration_retry_at
            """,
            logger: self.logger
        )
        for try await at in rows.decode(Date.self) { return at }
        return nil
    }

    /// The shipment `carrier` knows as `reference` (its tracking reference: CDEK's order uuid, EasyPost's tracker).
    func shipment(carrier: String, courierReference reference: String) async throws -> ShipmentRecord? {
        guard !reference.isEmpty else { return nil }
        return try await self.load(where: "carrier = $1 AND courier_reference = $2", carrier, reference).first
    }

    /// The shipment's number, for paging.
    func number(of id: UUID) async throws -> Int64? {
        let rows = try await self.client.guardedQuery(
            "SELECT number FROM delivery.shipments WHERE id = \(id)",
            logger: self.logger
        )
        for try await number in rows.decode(Int64.self) { return number }
        return nil
    }

    private func load(
        where condition: String,
        _ binds: (any PostgresEncodable & Sendable)?...
    ) async throws
        -> [ShipmentRecord]
    {
        try await self.client.withConnection { connection in
            try await Self.load(where: condition, binds: binds, on: connection, logger: self.logger)
        }
    }

    private static func load(
        where condition: String,
        binds: [(any PostgresEncodable & Sendable)?],
        orderBy: String = "number",
        limit: Int? = nil,
        lock: Bool = false,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [ShipmentRecord] {
        var bindings = PostgresBindings()
        for bind in binds {
            if let bind { try bindings.append(bind) } else { bindings.appendNull() }
        }
        let sql =
            "SELECT \(Self.columns) FROM delivery.shipments WHERE \(condition) ORDER BY \(orderBy)"
            + (limit.map { " LIMIT \($0)" } ?? "") + (lock ? " FOR UPDATE" : "")
        let rows = try await connection.guardedQuery(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        var shipments: [ShipmentRecord] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let currency = try Currency.named(try cells[18].decode(String.self))
            shipments.append(
                ShipmentRecord(
                    id: try cells[0].decode(UUID.self),
                    order: try cells[1].decode(UUID.self),
                    orderNumber: try cells[2].decode(Int64.self),
                    customer: try cells[3].decode(UUID.self),
                    quote: try cells[4].decode(UUID?.self),
                    status: ShipmentStatus(rawValue: try cells[5].decode(String.self)) ?? .created,
                    carrier: try cells[6].decode(String.self),
                    serviceCode: try cells[7].decode(String.self),
                    serviceName: try cells[8].decode(String.self),
                    courierReference: try cells[9].decode(String.self),
                    trackingNumber: try cells[10].decode(String.self),
                    labelURL: try cells[11].decode(String.self),
                    registrationError: try cells[12].decode(String.self),
                    originWarehouse: try cells[13].decode(String.self),
                    originCity: try cells[14].decode(String.self),
                    destination: Destination(
                        country: try cells[15].decode(String.self),
                        region: try cells[16].decode(String.self),
                        city: try cells[17].decode(String.self),
                        postalCode: ""
                    ),
                    cost: Money(minorUnits: try cells[19].decode(Int64.self), currency: currency),
                    promisedMinDays: try cells[20].decode(Int.self),
                    promisedMaxDays: try cells[21].decode(Int.self),
                    handedOverAt: try cells[22].decode(Date?.self),
                    deliveredAt: try cells[23].decode(Date?.self),
                    history: [],
                    createdAt: try cells[24].decode(Date.self),
                    updatedAt: try cells[25].decode(Date.self)
                )
            )
        }
        guard !shipments.isEmpty else { return [] }
        let history = try await connection.guardedQuery(
            """
            SELECT shipment_id, from_status, to_status, source, at, courier_status, note
            FROM delivery.shipment_history WHERE shipment_id = ANY(\(shipments.map(\.id))) ORDER BY shipment_id, seq
            """,
            logger: logger
        )
        var changes: [UUID: [ShipmentRecord.Change]] = [:]
        for try await (id, from, to, source, at, courierStatus, note) in history.decode(
            (UUID, String?, String, String, Date, String, String).self
        ) {
            changes[id, default: []].append(
                ShipmentRecord.Change(
                    from: from.flatMap(ShipmentStatus.init(rawValue:)),
                    to: ShipmentStatus(rawValue: to) ?? .created,
                    source: source,
                    at: at,
                    courierStatus: courierStatus,
                    note: note
                )
            )
        }
        for index in shipments.indices { shipments[index].history = changes[shipments[index].id] ?? [] }
        return shipments
    }

    private static func insert(
        _ change: ShipmentRecord.Change,
        seq: Int,
        shipment: UUID,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.guardedQuery(
            """
            INSERT INTO delivery.shipment_history (shipment_id, seq, from_status, to_status, source, at,
                courier_status, note)
            VALUES (\(shipment), \(seq), \(change.from?.rawValue), \(change.to.rawValue), \(change.source),
                \(change.at), \(change.courierStatus), \(change.note))
            """,
            logger: logger
        )
    }
}

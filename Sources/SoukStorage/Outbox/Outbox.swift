package import Foundation
package import Logging
import NIOCore
package import PostgresNIO

/// A schema's outbox of domain events (`<schema>.outbox`: position, type, aggregate_id, occurred_at, payload).
///
/// An event is appended in the transaction that made the change, under an advisory lock held until commit, so
/// positions commit in order and a reader of "everything after my position" never skips a row that commits late.
/// `StreamEvents` and the watchers read it after a position.
package struct Outbox: Sendable {
    /// The table, schema-qualified (`delivery.outbox`).
    package let table: String
    /// The advisory lock writers hold until commit.
    package let lock: Int64

    /// The outbox of `schema` (a Souk schema name: lower-case letters and `_`), written under `lock`.
    package init(schema: String, lock: Int64) {
        precondition(
            !schema.isEmpty && schema.allSatisfy { ("a"..."z").contains($0) || $0 == "_" },
            "an outbox's schema is a fixed lower-case name"
        )
        self.table = "\(schema).outbox"
        self.lock = lock
    }

    /// Appends one event in `connection`'s open transaction, under the lock, in one statement; `occurredAt` nil is the
    /// transaction's time.
    package func append(
        type: String,
        aggregate: UUID,
        occurredAt: Date? = nil,
        payload: [UInt8],
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        var binds = PostgresBindings()
        binds.append(type)
        binds.append(aggregate)
        if let occurredAt { binds.append(occurredAt) } else { binds.appendNull() }
        binds.append(ByteBuffer(bytes: payload))
        binds.append(self.lock)
        // One round trip: the materialized CTE takes the lock before the row it yields gets its position (the
        // identity's nextval is computed on that row, above the CTE scan).
        let sql = """
            WITH locked AS MATERIALIZED (SELECT pg_advisory_xact_lock($5))
            INSERT INTO \(self.table) (type, aggregate_id, occurred_at, payload)
            SELECT $1, $2, coalesce($3::timestamptz, now()), $4 FROM locked
            """
        try await connection.guardedQuery(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
    }

    /// Up to `limit` committed events after `position`, oldest first.
    package func events(
        after position: Int64,
        limit: Int,
        client: PostgresClient,
        logger: Logger
    ) async throws -> [OutboxEvent] {
        var binds = PostgresBindings()
        binds.append(position)
        binds.append(Int64(limit))
        let sql = """
            SELECT position, type, aggregate_id, occurred_at, payload FROM \(self.table)
            WHERE position > $1 ORDER BY position LIMIT $2
            """
        let rows = try await client.guardedQuery(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        var events: [OutboxEvent] = []
        for try await (position, type, aggregate, at, payload) in rows.decode(
            (Int64, String, UUID, Date, ByteBuffer).self
        ) {
            events.append(
                OutboxEvent(
                    position: position,
                    type: type,
                    aggregate: aggregate,
                    occurredAt: at,
                    payload: Array(buffer: payload)
                )
            )
        }
        return events
    }

    /// The position of the last committed event (0 when there is none).
    package func lastPosition(client: PostgresClient, logger: Logger) async throws -> Int64 {
        let sql = "SELECT coalesce(max(position), 0)::bigint FROM \(self.table)"
        let rows = try await client.guardedQuery(PostgresQuery(unsafeSQL: sql), logger: logger)
        for try await position in rows.decode(Int64.self) { return position }
        return 0
    }
}

/// A committed event from a domain's outbox.
package struct OutboxEvent: Sendable, Hashable {
    package var position: Int64
    package var type: String
    package var aggregate: UUID
    package var occurredAt: Date
    package var payload: [UInt8]

    package init(position: Int64, type: String, aggregate: UUID, occurredAt: Date, payload: [UInt8]) {
        self.position = position
        self.type = type
        self.aggregate = aggregate
        self.occurredAt = occurredAt
        self.payload = payload
    }
}

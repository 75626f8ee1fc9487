import Foundation
import GRPCCore
import Logging
import NIOCore
import PostgresNIO
import SoukDomain
import SoukMoney
import SoukStorage

/// ``PaymentsStore`` on PostgreSQL (the `payments` schema).
struct PostgresPaymentsStore: PaymentsStore {
    let client: PostgresClient
    let logger: Logger
    let wallClock: WallClock

    /// The payments' events: payments created, moved and refunded.
    static let outbox = Outbox(schema: "payments", lock: 0x736f_756b_7061_7931)  // "soukpay1"

    private static let columns = """
        id, order_id, customer_id, idempotency_key, status, currency, amount_minor, captured_minor, refunded_minor,
        provider, provider_reference, manual_capture, failure_reason, confirmation_url, order_status_synced,
        created_at, updated_at, number
        """

    func insert(_ payment: PaymentRecord, event: (PaymentRecord) throws -> [UInt8]) async throws {
        try await self.transaction { connection in
            try await connection.guardedQuery(
                """
                INSERT INTO payments.payments (
                    id, order_id, customer_id, idempotency_key, status, currency, amount_minor, provider,
                    provider_reference, manual_capture, created_at, updated_at)
                VALUES (\(payment.id), \(payment.order), \(payment.customer), \(payment.idempotencyKey),
                    \(payment.status.rawValue), \(payment.currency.code), \(payment.state.amount), \(payment.provider),
                    \(payment.providerReference), \(payment.manualCapture), \(payment.createdAt), \(payment.updatedAt))
                """,
                logger: self.logger
            )
            for (seq, change) in payment.history.enumerated() {
                try await Self.insert(change, seq: seq, payment: payment.id, on: connection, logger: self.logger)
            }
            try await Self.appendEvent(
                type: "payment.created",
                payment: payment,
                payload: try event(payment),
                on: connection,
                logger: self.logger
            )
        }
    }

    func payment(_ id: UUID) async throws -> PaymentRecord? {
        try await self.load(where: "id = $1", id).first?.payment
    }

    func payment(customer: UUID, key: String) async throws -> PaymentRecord? {
        try await self.load(where: "customer_id = $1 AND idempotency_key = $2", customer, key).first?.payment
    }

    func payment(provider: String, reference: String) async throws -> PaymentRecord? {
        try await self.load(where: "provider = $1 AND provider_reference = $2", provider, reference).first?.payment
    }

    func paymentIDs(prefix: String, owner: UUID?) async throws -> [UUID] {
        let rows = try await self.client.guardedQuery(
            """
            SELECT id FROM payments.payments
            WHERE id::text LIKE \(prefix + "%") AND (\(owner)::uuid IS NULL OR customer_id = \(owner))
            LIMIT 2
            """,
            logger: self.logger
        )
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }

    func payments(
        order: UUID?,
        statuses: [PaymentStatus],
        before: Int64?,
        limit: Int
    ) async throws -> [(number: Int64, payment: PaymentRecord)] {
        try await self.load(
            where: """
                ($1::uuid IS NULL OR order_id = $1) AND (cardinality($2::text[]) = 0 OR status = ANY($2))
                AND ($3::bigint IS NULL OR number < $3)
                """,
            order,
            statuses.map(\.rawValue),
            before,
            orderBy: "number DESC",
            limit: limit
        )
    }

    func unfinishedPayments(createdBefore before: Date, limit: Int) async throws -> [PaymentRecord] {
        try await self.load(
            where: """
                (status IN ('created', 'requires_action', 'authorized')
                    OR (status = 'expired' AND order_status_synced = ''))
                AND created_at < $1
                """,
            before,
            orderBy: "number",
            limit: limit
        ).map(\.payment)
    }

    func payments(provider: String, createdFrom from: Date, before: Date) async throws -> [PaymentRecord] {
        try await self.load(
            where: "provider = $1 AND created_at >= $2 AND created_at < $3",
            provider,
            from,
            before,
            orderBy: "number"
        ).map(\.payment)
    }

    func update(
        _ id: UUID,
        providerEvent: (provider: String, id: String)?,
        event: (PaymentRecord) throws -> [UInt8],
        change: (inout PaymentRecord) throws -> Void
    ) async throws -> (payment: PaymentRecord, duplicate: Bool) {
        var result: (payment: PaymentRecord, duplicate: Bool)?
        try await self.transaction { connection in
            guard
                let before = try await Self.load(
                    where: "id = $1 FOR UPDATE",
                    binds: [id],
                    on: connection,
                    logger: self.logger
                ).first?.payment
            else { throw PaymentsError.notFound("payment_id: no payment \(id.uuidString.lowercased())") }
            if let providerEvent {
                let inserted = try await connection.guardedQuery(
                    """
                    INSERT INTO payments.processed_events (provider, event_id, payment_id, processed_at)
                    VALUES (\(providerEvent.provider), \(providerEvent.id), \(id), \(self.wallClock.now))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """,
                    logger: self.logger
                )
                var fresh = false
                for try await _ in inserted.decode(Int.self) { fresh = true }
                guard fresh else {
                    result = (before, true)
                    return
                }
            }
            var after = before
            try change(&after)
            result = (after, false)
            guard let type = Self.eventType(before: before, after: after) else { return }
            after.updatedAt = self.wallClock.now
            try await connection.guardedQuery(
                """
                UPDATE payments.payments SET status = \(after.status.rawValue), captured_minor = \(after.state.captured),
                    refunded_minor = \(after.state.refunded), provider_reference = \(after.providerReference),
                    failure_reason = \(after.failureReason), confirmation_url = \(after.confirmationURL),
                    order_status_synced = \(after.orderStatusSynced), updated_at = \(after.updatedAt)
                WHERE id = \(id)
                """,
                logger: self.logger
            )
            for seq in before.history.count..<after.history.count {
                try await Self.insert(after.history[seq], seq: seq, payment: id, on: connection, logger: self.logger)
            }
            for refund in after.refunds {
                try await connection.guardedQuery(
                    """
                    INSERT INTO payments.refunds (
                        id, payment_id, amount_minor, reason, status, restock, provider_reference, actor,
                        idempotency_key, created_at)
                    VALUES (\(refund.id), \(id), \(refund.amountMinor), \(refund.reason), \(refund.status),
                        \(refund.restock), \(refund.providerReference), \(refund.actor), \(refund.idempotencyKey),
                        \(refund.createdAt))
                    ON CONFLICT (id) DO UPDATE SET status = excluded.status,
                        provider_reference = excluded.provider_reference
                    """,
                    logger: self.logger
                )
            }
            result = (after, false)
            try await Self.appendEvent(
                type: type,
                payment: after,
                payload: try event(after),
                on: connection,
                logger: self.logger
            )
        }
        guard let result else { throw PaymentsError.notFound("payment_id: no payment") }
        return result
    }

    func events(after position: Int64, limit: Int) async throws -> [OutboxEvent] {
        try await Self.outbox.events(after: position, limit: limit, client: self.client, logger: self.logger)
    }

    func lastEventPosition() async throws -> Int64 {
        try await Self.outbox.lastPosition(client: self.client, logger: self.logger)
    }

    func saveReport(
        id: UUID,
        from: Date,
        before: Date,
        provider: String,
        soukCount: Int,
        providerCount: Int,
        report: [UInt8],
        actor: String
    ) async throws {
        try await self.client.guardedQuery(
            """
            INSERT INTO payments.reconciliation_reports (
                id, from_at, before_at, provider, souk_count, provider_count, report, actor, created_at)
            VALUES (\(id), \(from), \(before), \(provider), \(soukCount), \(providerCount), \(ByteBuffer(bytes: report)),
                \(actor), \(self.wallClock.now))
            """,
            logger: self.logger
        )
    }

    // MARK: Helpers

    /// What kind of event a change is, or nil when nothing stored changed.
    private static func eventType(before: PaymentRecord, after: PaymentRecord) -> String? {
        let refundsChanged =
            before.refunds.map { "\($0.id)\($0.status)\($0.providerReference ?? "")" }
            != after.refunds.map { "\($0.id)\($0.status)\($0.providerReference ?? "")" }
        if before.status != after.status { return "payment.status_changed" }
        if refundsChanged || before.state != after.state { return "payment.refunded" }
        if before.history.count != after.history.count || before.providerReference != after.providerReference
            || before.failureReason != after.failureReason || before.confirmationURL != after.confirmationURL
            || before.orderStatusSynced != after.orderStatusSynced
        {
            return "payment.updated"
        }
        return nil
    }

    private static func appendEvent(
        type: String,
        payment: PaymentRecord,
        payload: [UInt8],
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await Self.outbox.append(
            type: type,
            aggregate: payment.id,
            occurredAt: payment.updatedAt,
            payload: payload,
            on: connection,
            logger: logger
        )
    }

    private static func insert(
        _ change: PaymentRecord.Change,
        seq: Int,
        payment: UUID,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.guardedQuery(
            """
            INSERT INTO payments.payment_history (payment_id, seq, from_status, to_status, actor, at, provider_event_id,
                note)
            VALUES (\(payment), \(seq), \(change.from?.rawValue), \(change.to.rawValue), \(change.actor), \(change.at),
                \(change.providerEventID), \(change.note))
            """,
            logger: logger
        )
    }

    private func transaction(_ body: (PostgresConnection) async throws -> Void) async throws {
        try await self.client.withGuardedTransaction(logger: self.logger) { connection in try await body(connection) }
    }

    private func load(
        where condition: String,
        _ binds: (any PostgresEncodable & Sendable)?...,
        orderBy: String = "number",
        limit: Int? = nil
    ) async throws -> [(number: Int64, payment: PaymentRecord)] {
        try await self.client.withConnection { connection in
            try await Self.load(
                where: condition,
                binds: binds,
                orderBy: orderBy,
                limit: limit,
                on: connection,
                logger: self.logger
            )
        }
    }

    /// The payments matching `condition` (with `$n` binds), with their history and refunds.
    private static func load(
        where condition: String,
        binds: [(any PostgresEncodable & Sendable)?],
        orderBy: String = "number",
        limit: Int? = nil,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [(number: Int64, payment: PaymentRecord)] {
        var bindings = PostgresBindings()
        for bind in binds {
            if let bind { try bindings.append(bind) } else { bindings.appendNull() }
        }
        let locking = condition.hasSuffix("FOR UPDATE")
        let filter = locking ? String(condition.dropLast(" FOR UPDATE".count)) : condition
        var sql = "SELECT \(Self.columns) FROM payments.payments WHERE \(filter) ORDER BY \(orderBy)"
        if let limit { sql += " LIMIT \(limit)" }
        if locking { sql += " FOR UPDATE" }
        let rows = try await connection.guardedQuery(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        var found: [(number: Int64, payment: PaymentRecord)] = []
        for try await row in rows {
            let columns = row.makeRandomAccess()
            let id = try columns[0].decode(UUID.self)
            let order = try columns[1].decode(UUID.self)
            let customer = try columns[2].decode(UUID.self)
            let key = try columns[3].decode(String.self)
            let status = try columns[4].decode(String.self)
            let currency = try columns[5].decode(String.self)
            let amount = try columns[6].decode(Int64.self)
            let captured = try columns[7].decode(Int64.self)
            let refunded = try columns[8].decode(Int64.self)
            let provider = try columns[9].decode(String.self)
            let reference = try columns[10].decode(String?.self)
            let manual = try columns[11].decode(Bool.self)
            let failure = try columns[12].decode(String.self)
            let confirmation = try columns[13].decode(String.self)
            let synced = try columns[14].decode(String.self)
            let created = try columns[15].decode(Date.self)
            let updated = try columns[16].decode(Date.self)
            let number = try columns[17].decode(Int64.self)
            guard let status = PaymentStatus(rawValue: status), let currency = Currency.supported[currency] else {
                throw PaymentsError(.internalError, "payment \(id): stored status or currency unreadable")
            }
            found.append(
                (
                    number,
                    PaymentRecord(
                        id: id,
                        order: order,
                        customer: customer,
                        idempotencyKey: key,
                        currency: currency,
                        state: PaymentState(status: status, amount: amount, captured: captured, refunded: refunded),
                        provider: provider,
                        providerReference: reference,
                        manualCapture: manual,
                        failureReason: failure,
                        confirmationURL: confirmation,
                        orderStatusSynced: synced,
                        history: [],
                        refunds: [],
                        createdAt: created,
                        updatedAt: updated
                    )
                )
            )
        }
        guard !found.isEmpty else { return [] }
        let ids = found.map(\.payment.id)
        var history: [UUID: [PaymentRecord.Change]] = [:]
        let historyRows = try await connection.guardedQuery(
            """
            SELECT payment_id, from_status, to_status, actor, at, provider_event_id, note
            FROM payments.payment_history WHERE payment_id = ANY(\(ids)) ORDER BY payment_id, seq
            """,
            logger: logger
        )
        for try await (payment, from, to, actor, at, event, note) in historyRows.decode(
            (UUID, String?, String, String, Date, String, String).self
        ) {
            history[payment, default: []].append(
                .init(
                    from: from.flatMap(PaymentStatus.init(rawValue:)),
                    to: PaymentStatus(rawValue: to) ?? .created,
                    actor: actor,
                    at: at,
                    providerEventID: event,
                    note: note
                )
            )
        }
        var refunds: [UUID: [RefundRecord]] = [:]
        let refundRows = try await connection.guardedQuery(
            """
            SELECT id, payment_id, amount_minor, reason, status, restock, provider_reference, actor, idempotency_key,
                created_at
            FROM payments.refunds WHERE payment_id = ANY(\(ids)) ORDER BY created_at, id
            """,
            logger: logger
        )
        for try await row in refundRows {
            let columns = row.makeRandomAccess()
            let id = try columns[0].decode(UUID.self)
            let payment = try columns[1].decode(UUID.self)
            let amount = try columns[2].decode(Int64.self)
            let reason = try columns[3].decode(String.self)
            let status = try columns[4].decode(String.self)
            let restock = try columns[5].decode(Bool.self)
            let reference = try columns[6].decode(String?.self)
            refunds[payment, default: []].append(
                RefundRecord(
                    id: id,
                    payment: payment,
                    amountMinor: amount,
                    reason: reason,
                    status: status,
                    restock: restock,
                    providerReference: reference,
                    actor: try columns[7].decode(String.self),
                    idempotencyKey: try columns[8].decode(String.self),
                    createdAt: try columns[9].decode(Date.self)
                )
            )
        }
        return found.map { entry in
            var payment = entry.payment
            payment.history = history[payment.id] ?? []
            payment.refunds = refunds[payment.id] ?? []
            return (entry.number, payment)
        }
    }
}

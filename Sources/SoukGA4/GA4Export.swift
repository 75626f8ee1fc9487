package import Foundation
package import Logging
package import SoukAnalytics

/// The export of the analytics schema's purchases and refunds to one GA4 property, in passes.
///
/// Each pass reads what is not recorded yet for the property, records events older than ``Config/maxAge`` as
/// stale (Google back-dates at most 72 hours) and unmappable ones as rejected, then for each batch asks the debug
/// endpoint first: a batch it refuses is never sent; its events are checked one by one, the refused ones logged with
/// their messages and recorded as rejected, the others checked again together and sent. A valid batch is sent and,
/// once Google answered 2xx, recorded as sent. Records are what a rerun reads, so a rerun sends nothing
/// twice and misses nothing; the one window left is a crash between Google's 2xx and the record's commit, after
/// which that batch is sent once more (GA4 dedupes a purchase by `transaction_id`).
package struct GA4Export: Sendable {
    /// Which property, and how much per pass.
    package struct Config: Sendable, Hashable {
        /// The property's measurement id: the export position is kept per property.
        package var measurementID: String
        /// Events older than this are recorded as stale, not sent: 71 h, an hour inside Google's 72 h.
        package var maxAge: Duration
        /// Purchases (and refunds) read per pass.
        package var passLimit: Int

        package init(measurementID: String, maxAge: Duration = .seconds(71 * 3600), passLimit: Int = 500) {
            self.measurementID = measurementID
            self.maxAge = maxAge
            self.passLimit = passLimit
        }
    }

    /// What one pass (or a run of passes) did.
    package struct Summary: Sendable, Hashable {
        /// Events Google accepted.
        package var sent = 0
        /// Events in batches the debug endpoint refused, or that could not be mapped.
        package var rejected = 0
        /// Events too old to send.
        package var stale = 0
        /// Requests to the collect endpoint.
        package var requests = 0

        package init() {}

        /// Whether the pass found anything to do.
        package var isEmpty: Bool { self.sent + self.rejected + self.stale == 0 }

        package static func += (lhs: inout Self, rhs: Self) {
            lhs.sent += rhs.sent
            lhs.rejected += rhs.rejected
            lhs.stale += rhs.stale
            lhs.requests += rhs.requests
        }

        /// One line for the terminal.
        package var line: String {
            "GA4: \(self.sent) events sent in \(self.requests) requests, \(self.rejected) rejected, \(self.stale) stale"
        }
    }

    let store: AnalyticsStore
    let client: GA4Client
    let clientIDs: GA4ClientID
    let config: Config
    let logger: Logger

    package init(
        store: AnalyticsStore,
        client: GA4Client,
        clientIDs: GA4ClientID,
        config: Config,
        logger: Logger = Logger(label: "souk.ga4")
    ) {
        self.store = store
        self.client = client
        self.clientIDs = clientIDs
        self.config = config
        self.logger = logger
    }

    /// Passes until one finds nothing to do; `beforePass` runs before each (the worker renews its lease there).
    package func run(
        now: @Sendable () -> Date = { Date() },
        beforePass: () async throws -> Void = {}
    ) async throws -> Summary {
        var total = Summary()
        while true {
            try await beforePass()
            let pass = try await self.pass(now: now())
            total += pass
            if pass.isEmpty { return total }
        }
    }

    /// One pass: at most ``Config/passLimit`` purchases and as many refunds, each recorded with its outcome.
    ///
    /// - Throws: ``GA4Error`` when Google stays unreachable: what was sent before is recorded; the rest waits.
    package func pass(now: Date) async throws -> Summary {
        let id = self.config.measurementID
        let candidates = try await self.store.pendingGA4Exports(measurementID: id, limit: self.config.passLimit)
        var summary = Summary()
        var records: [AnalyticsStore.GA4Record] = []
        var events: [MeasurementEvent] = []
        let oldest = now.addingTimeInterval(-Double(self.config.maxAge.components.seconds))
        for candidate in candidates {
            if candidate.occurredAt < oldest {
                records.append(.init(orderID: candidate.orderID, event: candidate.event, outcome: .stale))
                summary.stale += 1
                continue
            }
            do {
                events.append(try MeasurementEvent(candidate, clientID: self.clientIDs(candidate.customerID)))
            } catch let error as GA4Error {
                self.logger.warning(
                    "GA4 event cannot be made",
                    metadata: ["order": "\(candidate.orderID)", "event": "\(candidate.event)", "error": "\(error)"]
                )
                records.append(
                    .init(
                        orderID: candidate.orderID,
                        event: candidate.event,
                        outcome: .rejected,
                        message: error.message
                    )
                )
                summary.rejected += 1
            }
        }
        try await self.store.recordGA4Exports(records, measurementID: id, at: now)
        for batch in MeasurementBatch.make(events) {
            try await self.export(batch, isolating: true, summary: &summary, now: now)
        }
        return summary
    }

    /// Checks `batch` on the debug endpoint and sends it when valid. When it is not and `isolating`, each event is
    /// checked alone (one bad event must not hold back the customer's others): the bad ones are rejected with their
    /// own messages, the rest checked and sent together. Every outcome is recorded.
    private func export(
        _ batch: MeasurementBatch,
        isolating: Bool,
        summary: inout Summary,
        now: Date
    ) async throws {
        let messages = try await self.client.validate(batch)
        if messages.isEmpty {
            try await self.client.send(batch)
            summary.sent += batch.events.count
            summary.requests += 1
            try await self.record(batch, .sent, message: "", now: now)
            return
        }
        guard isolating, batch.events.count > 1 else {
            try await self.reject(batch, messages, summary: &summary, now: now)
            return
        }
        var valid: [MeasurementEvent] = []
        for event in batch.events {
            let alone = MeasurementBatch(clientID: batch.clientID, events: [event])
            let own = try await self.client.validate(alone)
            if own.isEmpty {
                valid.append(event)
            } else {
                try await self.reject(alone, own, summary: &summary, now: now)
            }
        }
        guard !valid.isEmpty else { return }
        try await self.export(
            MeasurementBatch(clientID: batch.clientID, events: valid),
            isolating: false,
            summary: &summary,
            now: now
        )
    }

    /// Logs, counts and records `batch` as rejected with `messages`; it is never sent.
    private func reject(
        _ batch: MeasurementBatch,
        _ messages: [GA4Client.ValidationMessage],
        summary: inout Summary,
        now: Date
    ) async throws {
        let text = messages.map { "\($0.fieldPath ?? "-"): \($0.description)" }.joined(separator: "; ")
        self.logger.warning(
            "GA4 debug endpoint rejected a batch; not sent",
            metadata: [
                "events": "\(batch.events.count)",
                "orders": "\(batch.events.map { $0.orderID.uuidString.lowercased() })",
                "messages": "\(text)",
            ]
        )
        summary.rejected += batch.events.count
        try await self.record(batch, .rejected, message: text, now: now)
    }

    private func record(
        _ batch: MeasurementBatch,
        _ outcome: AnalyticsStore.GA4Outcome,
        message: String,
        now: Date
    ) async throws {
        try await self.store.recordGA4Exports(
            batch.events.map { .init(orderID: $0.orderID, event: $0.kind, outcome: outcome, message: message) },
            measurementID: self.config.measurementID,
            at: now
        )
    }
}

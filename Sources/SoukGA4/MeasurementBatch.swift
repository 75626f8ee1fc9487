/// One Measurement Protocol request: one client's events, at most ``maxEvents`` of them and a body of at most
/// ``maxBodyBytes`` (`providers.md` §3.2).
package struct MeasurementBatch: Sendable, Hashable {
    /// Events per request, Google's limit.
    package static let maxEvents = 25
    /// Body bytes per request, Google's limit (130 kB).
    package static let maxBodyBytes = 130_000

    /// The client every event belongs to.
    package var clientID: String
    /// One to ``maxEvents`` events.
    package var events: [MeasurementEvent]

    /// A request of `events`, all of `clientID` (``make(_:maxEvents:maxBodyBytes:)`` checks the limits).
    package init(clientID: String, events: [MeasurementEvent]) {
        self.clientID = clientID
        self.events = events
    }

    /// The JSON body: `client_id`, `timestamp_micros` (the earliest event's) and `events`.
    package var body: String {
        GA4JSON.object([
            .init("client_id", .string(self.clientID)),
            .init("timestamp_micros", .integer(self.events.map(\.timestampMicros).min() ?? 0)),
            .init("events", .array(self.events.map(\.json))),
        ]).text
    }

    /// `events` in requests: grouped by client (in the order clients first appear), at most `maxEvents` per
    /// request, split further while a body is over `maxBodyBytes` (an event too large alone stays alone, for the
    /// debug endpoint to refuse).
    package static func make(
        _ events: [MeasurementEvent],
        maxEvents: Int = Self.maxEvents,
        maxBodyBytes: Int = Self.maxBodyBytes
    ) -> [MeasurementBatch] {
        var order: [String] = []
        var byClient: [String: [MeasurementEvent]] = [:]
        for event in events {
            if byClient[event.clientID] == nil { order.append(event.clientID) }
            byClient[event.clientID, default: []].append(event)
        }
        var batches: [MeasurementBatch] = []
        for client in order {
            let all = byClient[client] ?? []
            for start in stride(from: 0, to: all.count, by: maxEvents) {
                let chunk = Array(all[start..<min(start + maxEvents, all.count)])
                batches += Self.split(MeasurementBatch(clientID: client, events: chunk), maxBodyBytes: maxBodyBytes)
            }
        }
        return batches
    }

    private static func split(_ batch: MeasurementBatch, maxBodyBytes: Int) -> [MeasurementBatch] {
        guard batch.events.count > 1, batch.body.utf8.count > maxBodyBytes else { return [batch] }
        let half = batch.events.count / 2
        return Self.split(
            MeasurementBatch(clientID: batch.clientID, events: Array(batch.events[..<half])),
            maxBodyBytes: maxBodyBytes
        )
            + Self.split(
                MeasurementBatch(clientID: batch.clientID, events: Array(batch.events[half...])),
                maxBodyBytes: maxBodyBytes
            )
    }
}

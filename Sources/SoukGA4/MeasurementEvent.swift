package import Foundation
package import SoukAnalytics

/// One Measurement Protocol event (`purchase` or `refund`) for one order, with the client it belongs to and its
/// time (`providers.md` §3.1).
package struct MeasurementEvent: Sendable, Hashable {
    /// The order it reports.
    package var orderID: UUID
    /// `purchase` or `refund`.
    package var kind: AnalyticsStore.GA4Candidate.Event
    /// The customer's keyed-hash client id: a request carries one client's events only.
    package var clientID: String
    /// When it happened, in microseconds since 1970.
    package var timestampMicros: Int64
    /// `transaction_id`, `currency`, `value` and `items`, in that order.
    package var params: [GA4JSON.Member]

    package var name: String { self.kind.rawValue }

    /// The event of `candidate`: `transaction_id` is the order id, `value` the goods' total in major units,
    /// exactly, and each item its SKU, quantity and unit price.
    ///
    /// - Throws: ``GA4Error/Code/unmappable`` for an unknown currency.
    package init(_ candidate: AnalyticsStore.GA4Candidate, clientID: String) throws {
        let currency = candidate.currency
        let items = try candidate.lines.map { line in
            GA4JSON.object([
                .init("item_id", .string(line.sku)),
                .init("price", try GA4Amount.major(line.unitPriceMinor, currency: currency)),
                .init("quantity", .integer(line.quantity)),
            ])
        }
        self.orderID = candidate.orderID
        self.kind = candidate.event
        self.clientID = clientID
        self.timestampMicros = Int64((candidate.occurredAt.timeIntervalSince1970 * 1000).rounded()) * 1000
        self.params = [
            .init("transaction_id", .string(candidate.orderID.uuidString.lowercased())),
            .init("currency", .string(currency)),
            .init("value", try GA4Amount.major(candidate.valueMinor, currency: currency)),
            .init("items", .array(items)),
        ]
    }

    /// The event as the body's `events` array holds it: its own `timestamp_micros` (the request's is the
    /// earliest of its events).
    var json: GA4JSON {
        .object([
            .init("name", .string(self.name)),
            .init("timestamp_micros", .integer(self.timestampMicros)),
            .init("params", .object(self.params)),
        ])
    }
}

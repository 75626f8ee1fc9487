import Foundation
import SoukPaymentProviders

extension LocalStripeLedger {
    /// A change Stripe announces by webhook: its type and the object as it stands right after the change.
    struct Event: Sendable {
        /// The object an event carries in `data.object`.
        enum Object: Sendable {
            case paymentIntent(StripePaymentIntent)
            case refund(StripeRefund)
        }

        /// `evt_…`, numbered apart from the objects' ids.
        var id: String
        /// `payment_intent.succeeded`, `refund.created`, …
        var type: String
        /// The object, copied when the event happened.
        var object: Object
    }

    /// Records that `intent` became what `type` says: `payment_intent.<type>`.
    mutating func announce(_ type: String, _ intent: StripePaymentIntent) {
        let id = self.nextEventID()
        self.events.append(Event(id: id, type: "payment_intent.\(type)", object: .paymentIntent(intent)))
    }

    /// Records that `refund` became what `type` says: `refund.<type>`.
    mutating func announce(_ type: String, _ refund: StripeRefund) {
        let id = self.nextEventID()
        self.events.append(Event(id: id, type: "refund.\(type)", object: .refund(refund)))
    }

    /// The events of the request just handled, oldest first; none remain.
    mutating func takeEvents() -> [Event] {
        defer { self.events = [] }
        return self.events
    }

    /// The announcement for what ``confirm(_:with:returnURL:)``, the 3-D Secure page or a capture left `intent` as.
    mutating func announceOutcome(_ intent: StripePaymentIntent) {
        switch intent.status {
        case .requiresAction: self.announce("requires_action", intent)
        case .requiresCapture: self.announce("amount_capturable_updated", intent)
        case .succeeded: self.announce("succeeded", intent)
        case .requiresPaymentMethod: self.announce("payment_failed", intent)
        case .canceled: self.announce("canceled", intent)
        default: break
        }
    }

    private mutating func nextEventID() -> String {
        self.lastEventNumber += 1
        return "evt_local\(String(repeating: "0", count: max(0, 8 - String(self.lastEventNumber).count)))"
            + String(self.lastEventNumber)
    }

    /// The body Stripe posts for `event` (providers.md §1.11): the envelope, `data.object` the object, keys sorted.
    ///
    /// - Parameters:
    ///   - created: unix seconds, the server's `now` when the request ran.
    ///   - apiVersion: the version the objects are rendered in.
    ///   - idempotencyKey: the key of the API request that caused it, when there was one (`request.idempotency_key`).
    static func envelope(
        _ event: Event,
        created: Int64,
        apiVersion: String,
        idempotencyKey: String?
    ) -> [UInt8] {
        let envelope = Envelope(
            id: event.id,
            type: event.type,
            created: created,
            apiVersion: apiVersion,
            data: .init(object: event.object),
            request: .init(idempotencyKey: idempotencyKey)
        )
        // The envelope's own types always encode; a failure here is a bug in this file.
        return Array(try! Self.eventEncoder.encode(envelope))
    }

    private static let eventEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// A Stripe event as posted: `{"id": "evt_…", "object": "event", "type": …, "data": {"object": {…}}, …}`.
private struct Envelope: Encodable {
    struct Payload: Encodable {
        var object: LocalStripeLedger.Event.Object

        enum CodingKeys: String, CodingKey { case object }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self.object {
            case .paymentIntent(let intent): try container.encode(intent, forKey: .object)
            case .refund(let refund): try container.encode(refund, forKey: .object)
            }
        }
    }

    /// The API request behind an event: none for a customer's action (the 3-D Secure page).
    struct Origin: Encodable {
        var id: String?
        var idempotencyKey: String?

        enum CodingKeys: String, CodingKey {
            case id
            case idempotencyKey = "idempotency_key"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.id, forKey: .id)
            try container.encode(self.idempotencyKey, forKey: .idempotencyKey)
        }
    }

    var id: String
    var object = "event"
    var type: String
    var created: Int64
    var apiVersion: String
    var livemode = false
    var pendingWebhooks = 1
    var data: Payload
    var request: Origin

    enum CodingKeys: String, CodingKey {
        case id, object, type, created, livemode, data, request
        case apiVersion = "api_version"
        case pendingWebhooks = "pending_webhooks"
    }
}

import Foundation

/// A notification YooKassa posts to the shop (providers.md §2.5):
/// `{"type": "notification", "event": "payment.succeeded", "object": {…the whole payment or refund…}}`.
///
/// Notifications carry **no signature**: anyone can post one. Treat it as a hint, never as the truth: re-read the
/// object with ``YooKassaClient/getPayment(_:)`` (or ``YooKassaClient/getRefund(_:)``) before acting, which also
/// defeats replays; dedupe by the object's id and status. Answer HTTP 200, or YooKassa redelivers for 24 hours.
///
/// ```swift
/// let notification = try YooKassaNotification(decoding: body)
/// if case .payment(let pushed) = notification.object {
///     let payment = try await yookassa.getPayment(pushed.id)
///     …
/// }
/// ```
package struct YooKassaNotification: Sendable, Hashable, Codable {
    /// What happened; an event YooKassa adds later decodes as itself.
    package struct Event: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        package var rawValue: String
        /// An event as YooKassa spells it.
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { self.rawValue }

        /// A `capture: false` payment was paid and waits for a capture or a cancel.
        package static let paymentWaitingForCapture = Self(rawValue: "payment.waiting_for_capture")
        /// A payment's money was taken.
        package static let paymentSucceeded = Self(rawValue: "payment.succeeded")
        /// A payment was declined, expired or cancelled.
        package static let paymentCanceled = Self(rawValue: "payment.canceled")
        /// A refund went through.
        package static let refundSucceeded = Self(rawValue: "refund.succeeded")

        /// Whether the event's object is a payment (`payment.…`).
        package var isAboutPayment: Bool { self.rawValue.hasPrefix("payment.") }
        /// Whether the event's object is a refund (`refund.…`).
        package var isAboutRefund: Bool { self.rawValue.hasPrefix("refund.") }
    }

    /// The object an event is about, whole, as it was when the event happened.
    package enum Object: Sendable, Hashable {
        /// A `payment.…` event's payment.
        case payment(YooKassaPayment)
        /// A `refund.…` event's refund.
        case refund(YooKassaRefund)
        /// Another kind of event (`deal.closed`, `payout.succeeded`, …): acknowledge it, Souk reads nothing more.
        case other

        /// The object's id, if Souk reads its kind.
        package var id: String? {
            switch self {
            case .payment(let payment): payment.id
            case .refund(let refund): refund.id
            case .other: nil
            }
        }
    }

    /// Always `notification`.
    package var type: String = "notification"
    /// What happened.
    package var event: Event
    /// What it happened to.
    package var object: Object

    /// A notification of `event` about `object`.
    package init(event: Event, object: Object) {
        self.event = event
        self.object = object
    }

    /// Reads a notification's body.
    ///
    /// - Throws: ``ProviderError/Code/invalid`` naming the field at fault when the body is not a notification, or
    ///   its object is not the kind its event says.
    package init(decoding body: some Collection<UInt8>) throws(ProviderError) {
        do {
            self = try YooKassaJSON.decoder().decode(Self.self, from: Data(body))
        } catch {
            let field =
                switch error {
                case DecodingError.keyNotFound(let key, let context): Self.path(context.codingPath + [key])
                case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
                    DecodingError.dataCorrupted(let context):
                    Self.path(context.codingPath)
                default: ""
                }
            throw ProviderError(
                .invalid,
                provider: "YooKassa",
                message: "YooKassa notification: not readable" + (field.isEmpty ? "" : " (\(field))"),
                param: field.isEmpty ? nil : field
            )
        }
    }

    /// Reads `type` (which must be `notification`), `event`, and `object` as the kind the event names.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.type = try container.decode(String.self, forKey: .type)
        guard self.type == "notification" else {
            throw DecodingError.dataCorruptedError(
                forKey: .type,
                in: container,
                debugDescription: "type is '\(self.type.prefix(32))', not 'notification'"
            )
        }
        self.event = try container.decode(Event.self, forKey: .event)
        if self.event.isAboutPayment {
            self.object = .payment(try container.decode(YooKassaPayment.self, forKey: .object))
        } else if self.event.isAboutRefund {
            self.object = .refund(try container.decode(YooKassaRefund.self, forKey: .object))
        } else {
            self.object = .other
        }
    }

    /// Writes the notification as YooKassa posts it (the local server's side).
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.type, forKey: .type)
        try container.encode(self.event, forKey: .event)
        switch self.object {
        case .payment(let payment): try container.encode(payment, forKey: .object)
        case .refund(let refund): try container.encode(refund, forKey: .object)
        case .other: try container.encode([String: String](), forKey: .object)
        }
    }

    enum CodingKeys: String, CodingKey {
        case type, event, object
    }

    /// A coding path as YooKassa names fields: `object.amount.value`.
    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

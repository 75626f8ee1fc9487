package import Foundation

/// A Stripe webhook event (providers.md §1.11): the envelope's `id`, `type` and `created`, and the object in
/// `data.object`.
///
/// A webhook handler calls ``verified(payload:signatureHeader:secret:tolerance:now:)`` with the raw body and the
/// `Stripe-Signature` header, then dedupes on ``id``: Stripe delivers at least once and in no set order, so the
/// object's state, not the order of events, decides.
///
/// ```swift
/// let event = try StripeEvent.verified(
///     payload: body,
///     signatureHeader: request.headers["Stripe-Signature"],
///     secret: config.webhookSecret,
///     now: Date(timeIntervalSince1970: Double(now()))
/// )
/// if case .paymentIntent(let intent) = event.object { … }
/// ```
package struct StripeEvent: Sendable, Hashable {
    /// What `data.object` holds.
    package enum Object: Sendable, Hashable {
        /// A PaymentIntent (`payment_intent.*` events).
        case paymentIntent(StripePaymentIntent)
        /// A Refund (`refund.*` events).
        case refund(StripeRefund)
        /// Another kind of object, by its `object` field (`charge`, `customer`, …), not read further.
        case other(String)
    }

    /// `evt_…`: the same on every delivery of one event.
    package var id: String
    /// `payment_intent.succeeded`, `refund.updated`, …
    package var type: String
    /// Unix seconds when the event happened.
    package var created: Int64
    /// The API version `data.object` is rendered in, when Stripe says.
    package var apiVersion: String?
    /// Whether the event is from live mode.
    package var livemode: Bool
    /// The object as it stood when the event happened.
    package var object: Object

    /// An event with these fields.
    package init(
        id: String,
        type: String,
        created: Int64,
        apiVersion: String? = nil,
        livemode: Bool = false,
        object: Object
    ) {
        self.id = id
        self.type = type
        self.created = created
        self.apiVersion = apiVersion
        self.livemode = livemode
        self.object = object
    }

    /// Reads an event from a webhook's raw body, without checking its signature (see
    /// ``verified(payload:signatureHeader:secret:tolerance:now:)``).
    ///
    /// - Throws: ``StripeEventError`` with ``StripeEventError/Code/unreadableBody`` when the body is not a Stripe
    ///   event, naming the field at fault.
    package init(decoding payload: some DataProtocol) throws(StripeEventError) {
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: Data(payload))
        } catch {
            throw StripeEventError(.unreadableBody, message: "Stripe event: \(Self.explain(error))")
        }
        guard envelope.object == "event" else {
            throw StripeEventError(
                .unreadableBody,
                message: "Stripe event: object is '\(envelope.object.prefix(32))', not 'event'"
            )
        }
        self.init(
            id: envelope.id,
            type: envelope.type,
            created: envelope.created,
            apiVersion: envelope.apiVersion,
            livemode: envelope.livemode ?? false,
            object: envelope.data.object
        )
    }

    /// Checks a webhook's `Stripe-Signature` header against its raw body with the endpoint secret, then reads the
    /// event: the one call a webhook handler makes before trusting anything in the body.
    ///
    /// - Parameters:
    ///   - payload: the request body exactly as received (never re-serialized).
    ///   - signatureHeader: the `Stripe-Signature` header, nil when absent.
    ///   - secret: the endpoint secret (`whsec_…`).
    ///   - tolerance: how far the signature's timestamp may be from `now`, either way; 300 s as Stripe's SDKs.
    ///   - now: the current time, from the caller's clock.
    /// - Returns: the event.
    /// - Throws: ``StripeEventError``: ``StripeEventError/Code/missingSignature``,
    ///   ``StripeEventError/Code/badSignature``, ``StripeEventError/Code/staleTimestamp`` or
    ///   ``StripeEventError/Code/unreadableBody``; the webhook must then be answered 400 and not acted on.
    package static func verified(
        payload: some DataProtocol,
        signatureHeader: String?,
        secret: String,
        tolerance: Duration = .seconds(300),
        now: Date
    ) throws(StripeEventError) -> StripeEvent {
        do {
            try StripeWebhookSignature(secret: secret, tolerance: tolerance)
                .verify(payload: payload, header: signatureHeader, now: now)
        } catch {
            throw StripeEventError(error)
        }
        return try StripeEvent(decoding: payload)
    }

    /// What is wrong with a body that does not decode, naming the field but never quoting the body.
    private static func explain(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing '\(Self.path(context.codingPath + [key]))'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "'\(Self.path(context.codingPath))' has the wrong type"
        case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
            "'\(Self.path(context.codingPath))' is not valid"
        default:
            "the body is not JSON"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

/// The envelope as Stripe posts it; only what ``StripeEvent`` keeps.
private struct Envelope: Decodable {
    struct Payload: Decodable {
        var object: StripeEvent.Object

        enum CodingKeys: String, CodingKey { case object }

        /// The object's own `object` field says which type to read it as.
        private struct Kind: Decodable {
            var object: String
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let kind = try container.decode(Kind.self, forKey: .object)
            switch kind.object {
            case "payment_intent":
                self.object = .paymentIntent(try container.decode(StripePaymentIntent.self, forKey: .object))
            case "refund":
                self.object = .refund(try container.decode(StripeRefund.self, forKey: .object))
            default:
                self.object = .other(String(kind.object.prefix(64)))
            }
        }
    }

    var id: String
    var object: String
    var type: String
    var created: Int64
    var apiVersion: String?
    var livemode: Bool?
    var data: Payload

    enum CodingKeys: String, CodingKey {
        case id, object, type, created, livemode, data
        case apiVersion = "api_version"
    }
}

/// Why a Stripe webhook was refused: its signature, or its body.
///
/// ``code`` says what is wrong; ``message`` says it in words safe to log and to answer with (it names headers and
/// fields, never the secret or the body); ``signature`` is the signature check's own reason, when that failed.
package struct StripeEventError: Error, Hashable, CustomStringConvertible {
    /// What is wrong; extensible without breaking a caller's `switch`.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String {
            case missingSignature, badSignature, staleTimestamp, unreadableBody
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// No `Stripe-Signature` header.
        package static let missingSignature = Self(.missingSignature)
        /// A header that is malformed, has no `v1` value, or matches neither the body nor the secret.
        package static let badSignature = Self(.badSignature)
        /// A signature made too long ago (or ahead of this clock) beyond the tolerance: a replay or a bad clock.
        package static let staleTimestamp = Self(.staleTimestamp)
        /// A body that is not a Stripe event.
        package static let unreadableBody = Self(.unreadableBody)

        package var description: String { self.wrapped.rawValue }
    }

    /// What is wrong.
    package var code: Code
    /// Why, in words safe to log.
    package var message: String
    /// The signature check's reason, when the signature was refused.
    package var signature: StripeSignatureError?

    /// An error with `code` and a `message` safe to log.
    package init(_ code: Code, message: String, signature: StripeSignatureError? = nil) {
        self.code = code
        self.message = message
        self.signature = signature
    }

    /// The error for a refused signature.
    package init(_ signature: StripeSignatureError) {
        let code: Code =
            switch signature {
            case .missing: .missingSignature
            case .outsideTolerance: .staleTimestamp
            case .malformed, .noSignature, .mismatch: .badSignature
            }
        self.init(code, message: signature.description, signature: signature)
    }

    package var description: String { "\(self.code): \(self.message)" }
}

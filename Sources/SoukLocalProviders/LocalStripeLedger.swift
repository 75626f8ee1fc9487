import Foundation
import SoukPaymentProviders

/// One request as the local Stripe server's ledger sees it: the verb, the path, the form (the body of a POST, the
/// query of a GET) and the idempotency key.
struct LocalStripeRequest: Sendable {
    var method: String
    var path: String
    var form: StripeForm
    var idempotencyKey: String?
}

/// One answer: an HTTP status, a JSON (or text) body and, for the 3-D Secure page, where to go next.
package struct LocalStripeReply: Sendable, Hashable {
    /// The HTTP status.
    package var status: Int
    /// The body, byte for byte as first answered.
    package var body: [UInt8]
    /// A `Location` for a redirect.
    var location: String?
    /// Whether this answer is a stored one replayed for a repeated idempotency key.
    var isReplay = false
    /// `Stripe-Should-Retry`, when set (injected faults only).
    var shouldRetry: Bool?
}

/// The in-memory state of the local Stripe server: PaymentIntents, refunds and the idempotency records, moved only
/// by ``handle(_:now:)``. A value, so it is tested and reasoned about without a socket; the server keeps it under
/// a lock.
///
/// Each change Stripe would announce by webhook leaves an ``Event`` in ``events`` (see `LocalStripeLedger+Events`),
/// which the server takes after each request; a request refused or replayed leaves none, as at Stripe.
///
/// Idempotency follows Stripe (providers.md §1.9): the first answer to a POST with a key is stored, errors such
/// as a decline included, and a repeat with the same path and parameters gets it back byte for byte; the same key
/// with other parameters is a 400 `idempotency_error`. As at Stripe, a request refused by validation before it
/// ran is not stored.
struct LocalStripeLedger: Sendable {
    /// A validation failure: answered, never stored under an idempotency key.
    struct Refusal: Error {
        var reply: LocalStripeReply
    }

    private struct Stored {
        var fingerprint: String
        var reply: LocalStripeReply
    }

    /// The server's own address, for 3-D Secure pages (`http://127.0.0.1:port`).
    var baseURL = ""
    var intents: [String: StripePaymentIntent] = [:]
    /// Intent ids in creation order.
    var intentOrder: [String] = []
    var refunds: [String: StripeRefund] = [:]
    /// Refund ids in creation order.
    var refundOrder: [String] = []
    /// The test card attached to each intent that has one.
    var paymentMethods: [String: TestCard] = [:]
    /// Events of the request being handled, oldest first, until the server takes them.
    var events: [Event] = []
    /// Minor units refunded so far, by intent.
    var refunded: [String: Int64] = [:]
    private var stored: [String: Stored] = [:]
    private var lastNumber = 0
    /// The last event number given (`evt_local…`).
    var lastEventNumber = 0

    /// Answers `request` at `now` (unix seconds), replaying or refusing a repeated idempotency key.
    mutating func handle(_ request: LocalStripeRequest, now: Int64) -> LocalStripeReply {
        let fingerprint = request.method + " " + request.path + "?" + Self.canonical(request.form)
        if request.method == "POST", let key = request.idempotencyKey, let stored = self.stored[key] {
            guard stored.fingerprint == fingerprint else {
                return Self.error(
                    400,
                    type: "idempotency_error",
                    message: "Keys for idempotent requests can only be used with the same parameters they were first "
                        + "used with. Try using a key other than '\(key)' if you meant to execute a different request."
                )
            }
            var replay = stored.reply
            replay.isReplay = true
            return replay
        }
        let reply: LocalStripeReply
        let eventCount = self.events.count
        do {
            reply = try self.route(request, now: now)
        } catch {
            // A refusal changed nothing, so it announces nothing.
            self.events.removeSubrange(eventCount...)
            return error.reply
        }
        if request.method == "POST", let key = request.idempotencyKey {
            self.stored[key] = Stored(fingerprint: fingerprint, reply: reply)
        }
        return reply
    }

    private mutating func route(_ request: LocalStripeRequest, now: Int64) throws(Refusal) -> LocalStripeReply {
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts.count, parts.first, parts.dropFirst().first) {
        case ("POST", 2, "v1", "payment_intents"):
            return try self.createIntent(request.form, now: now)
        case ("GET", 2, "v1", "payment_intents"):
            return try self.listIntents(request.form)
        case ("GET", 3, "v1", "payment_intents"):
            return Self.json(try self.intent(parts[2], param: "intent"))
        case ("POST", 4, "v1", "payment_intents") where parts[3] == "capture":
            return try self.capture(parts[2], request.form)
        case ("POST", 4, "v1", "payment_intents") where parts[3] == "cancel":
            return try self.cancel(parts[2], request.form)
        case ("POST", 4, "v1", "payment_intents") where parts[3] == "confirm":
            return try self.confirm(parts[2], request.form)
        case ("POST", 2, "v1", "refunds"):
            return try self.createRefund(request.form)
        case ("GET", 2, "v1", "refunds"):
            return try self.listRefunds(request.form)
        case ("GET", 3, "v1", "refunds"):
            return try self.retrieveRefund(parts[2])
        case ("GET", 2, "confirm", _):
            return try self.finishAction(parts[1])
        default:
            throw Refusal(
                reply: Self.error(
                    404,
                    type: "invalid_request_error",
                    message: "Unrecognized request URL (\(request.method): \(request.path))."
                )
            )
        }
    }

    /// A new id with `prefix` (`pi`, `re`): numbered, so runs are reproducible.
    mutating func nextID(_ prefix: String) -> String {
        self.lastNumber += 1
        return "\(prefix)_local\(String(repeating: "0", count: max(0, 8 - String(self.lastNumber).count)))"
            + String(self.lastNumber)
    }

    /// The intent `id`, or a 404 naming `param`.
    func intent(_ id: String, param: String) throws(Refusal) -> StripePaymentIntent {
        guard let intent = self.intents[id] else {
            throw Refusal(
                reply: Self.error(
                    404,
                    type: "invalid_request_error",
                    code: "resource_missing",
                    message: "No such payment_intent: '\(id.prefix(64))'",
                    param: param
                )
            )
        }
        return intent
    }

    /// Parameters in a stable order, so the same parameters sent in another order still match.
    private static func canonical(_ form: StripeForm) -> String {
        form.fields.map { "\($0.name)=\($0.value)" }.sorted().joined(separator: "&")
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `value` as a 200 (or `status`) JSON answer.
    static func json(_ value: some Encodable, status: Int = 200) -> LocalStripeReply {
        // The ledger's own types always encode; a failure here is a bug in this file.
        let body = try! Self.encoder.encode(value)
        return LocalStripeReply(status: status, body: Array(body))
    }

    /// A Stripe error answer.
    static func error(
        _ status: Int,
        type: String,
        code: String? = nil,
        message: String,
        param: String? = nil,
        declineCode: String? = nil,
        intent: String? = nil
    ) -> LocalStripeReply {
        let object = StripeErrorObject(
            type: type,
            code: code,
            message: message,
            param: param,
            declineCode: declineCode,
            paymentIntent: intent.map(StripeErrorObject.IntentReference.init(id:))
        )
        return Self.json(StripeErrorBody(error: object), status: status)
    }

    /// A 400 `invalid_request_error` naming `param`, thrown.
    static func invalid(_ param: String, code: String, _ message: String) -> Refusal {
        Refusal(reply: Self.error(400, type: "invalid_request_error", code: code, message: message, param: param))
    }

    /// An integer parameter, nil when absent.
    static func integer(_ form: StripeForm, _ name: String) throws(Refusal) -> Int64? {
        guard let text = form[name] else { return nil }
        guard let value = Int64(text) else {
            throw Self.invalid(name, code: "parameter_invalid_integer", "Invalid integer: \(text.prefix(32))")
        }
        return value
    }

    /// A parameter that must be one of `allowed`, nil when absent.
    static func oneOf(_ form: StripeForm, _ name: String, _ allowed: [String]) throws(Refusal) -> String? {
        guard let value = form[name] else { return nil }
        guard allowed.contains(value) else {
            throw Self.invalid(
                name,
                code: "parameter_invalid_string",
                "Invalid \(name): must be one of \(allowed.joined(separator: ", "))"
            )
        }
        return value
    }
}

import Foundation
import SoukMoney
import SoukPaymentProviders

/// One request as the local YooKassa server's ledger sees it: the verb, the path, the query's parameters, the body
/// and the idempotence key.
struct LocalYooKassaRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    var body: [UInt8]
    var idempotenceKey: String?
}

/// One answer of the local YooKassa server: an HTTP status, a JSON (or text) body and, for the confirmation page,
/// where to go next.
struct LocalYooKassaReply: Sendable, Hashable {
    /// The HTTP status.
    var status: Int
    /// The body, byte for byte as first answered.
    var body: [UInt8]
    /// A `Location` for a redirect.
    var location: String?
}

/// The in-memory state of the local YooKassa server: payments, refunds and the idempotence records, moved only by
/// ``handle(_:now:)`` and ``confirm(_:decline:now:)``. A value, so it is reasoned about without a socket; the server
/// keeps it under a lock.
///
/// Idempotence (providers.md §2.1): every POST needs an `Idempotence-Key`; the first successful answer to a key is
/// stored, and a repeat with the same path and the same body (compared as JSON, key order aside) gets it back byte
/// for byte, while the same key with another path or body is a 400 naming `Idempotence-Key`. A refused request
/// (validation, a payment in the wrong status) is not stored, so a corrected one may use its key.
///
/// Money is integer kopecks here; ``YooKassaAmount`` strings exist only on the wire.
struct LocalYooKassaLedger: Sendable {
    /// A request refused: answered, never stored under an idempotence key.
    struct Refusal: Error {
        var reply: LocalYooKassaReply
    }

    /// A payment as the ledger keeps it.
    struct PaymentRecord: Sendable {
        var id: String
        var status: YooKassaPayment.Status
        /// Kopecks asked, then kopecks captured after a capture.
        var amount: Int64
        /// Whether paying takes the money at once.
        var capture: Bool
        var description: String?
        var metadata: [String: String]?
        var returnURL: String
        var createdAt: Date
        var capturedAt: Date?
        var cancellation: YooKassaPayment.CancellationDetails?
        /// Kopecks refunded so far.
        var refunded: Int64 = 0
    }

    /// A refund as the ledger keeps it.
    struct RefundRecord: Sendable {
        var id: String
        var paymentID: String
        /// Kopecks given back.
        var amount: Int64
        var description: String?
        var createdAt: Date
    }

    private struct Stored {
        var fingerprint: String
        var reply: LocalYooKassaReply
    }

    /// The server's own address, for confirmation pages (`http://127.0.0.1:port`).
    var baseURL = ""
    var payments: [String: PaymentRecord] = [:]
    /// Payment ids in creation order.
    var paymentOrder: [String] = []
    var refunds: [String: RefundRecord] = [:]
    /// What happened, for notifications, oldest first; the server takes them after each change.
    var outbox: [YooKassaNotification] = []
    private var stored: [String: Stored] = [:]
    private var lastNumber: UInt32 = 0

    /// The longest idempotence key taken.
    static let maxIdempotenceKeyLength = 64

    /// Answers `request` at `now`, replaying or refusing a repeated idempotence key.
    mutating func handle(_ request: LocalYooKassaRequest, now: Date) -> LocalYooKassaReply {
        do throws(Refusal) {
            guard request.method == "POST" else { return try self.route(request, now: now) }
            let key = try Self.idempotenceKey(request.idempotenceKey)
            let fingerprint = request.path + " " + (try Self.canonical(request.body))
            if let stored = self.stored[key] {
                guard stored.fingerprint == fingerprint else {
                    throw Self.invalid(
                        "Idempotence-Key",
                        "Idempotence key duplicated: it was used before with another request (path or body)"
                    )
                }
                return stored.reply
            }
            let reply = try self.route(request, now: now)
            self.stored[key] = Stored(fingerprint: fingerprint, reply: reply)
            return reply
        } catch {
            return error.reply
        }
    }

    private mutating func route(_ request: LocalYooKassaRequest, now: Date) throws(Refusal) -> LocalYooKassaReply {
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts.count, parts.first, parts.dropFirst().first) {
        case ("POST", 2, "v3", "payments"):
            return try self.createPayment(request.body, now: now)
        case ("GET", 2, "v3", "payments"):
            return try self.listPayments(request.query)
        case ("GET", 3, "v3", "payments"):
            return Self.json(self.payment(try self.record(parts[2])))
        case ("POST", 4, "v3", "payments") where parts[3] == "capture":
            return try self.capture(parts[2], request.body, now: now)
        case ("POST", 4, "v3", "payments") where parts[3] == "cancel":
            return try self.cancel(parts[2])
        case ("POST", 2, "v3", "refunds"):
            return try self.createRefund(request.body, now: now)
        case ("GET", 3, "v3", "refunds"):
            guard let refund = self.refunds[parts[2]] else {
                throw Self.notFound("refund_id", "Refund not found or forbidden")
            }
            return Self.json(Self.refund(refund))
        case ("GET", 2, "confirm", _):
            return self.confirmPage(parts[1], decline: request.query["decline"], now: now)
        default:
            throw Self.notFound(nil, "Unknown path: \(request.method) \(request.path.prefix(128))")
        }
    }

    /// The notifications made since the last call, oldest first; the outbox is then empty.
    mutating func takeNotifications() -> [YooKassaNotification] {
        defer { self.outbox = [] }
        return self.outbox
    }

    /// A new id in YooKassa's UUID-like shape, numbered so runs are reproducible: `kind` tells payments (`000f`)
    /// from refunds (`0015`).
    mutating func nextID(_ kind: String) -> String {
        self.lastNumber += 1
        let number = String(self.lastNumber, radix: 16)
        return String(repeating: "0", count: 8 - number.count) + number + "-\(kind)-5000-8000-10ca10000000"
    }

    /// The payment `id`, or a 404 naming `payment_id`.
    func record(_ id: String) throws(Refusal) -> PaymentRecord {
        guard let record = self.payments[id] else {
            throw Self.notFound("payment_id", "Payment not found or forbidden")
        }
        return record
    }

    /// `record` as YooKassa shows it.
    func payment(_ record: PaymentRecord) -> YooKassaPayment {
        YooKassaPayment(
            id: record.id,
            status: record.status,
            paid: record.status == .waitingForCapture || record.status == .succeeded,
            amount: Self.rubles(record.amount),
            description: record.description,
            confirmation: .init(
                type: "redirect",
                confirmationURL: "\(self.baseURL)/confirm/\(record.id)",
                returnURL: record.returnURL
            ),
            refundedAmount: record.refunded > 0 ? Self.rubles(record.refunded) : nil,
            metadata: record.metadata,
            createdAt: record.createdAt,
            capturedAt: record.capturedAt,
            cancellationDetails: record.cancellation,
            test: true
        )
    }

    /// `record` as YooKassa shows it.
    static func refund(_ record: RefundRecord) -> YooKassaRefund {
        YooKassaRefund(
            id: record.id,
            paymentID: record.paymentID,
            status: .succeeded,
            amount: Self.rubles(record.amount),
            description: record.description,
            createdAt: record.createdAt
        )
    }

    /// `kopecks` (positive) as a wire amount.
    static func rubles(_ kopecks: Int64) -> YooKassaAmount {
        // Every amount the ledger keeps is a positive number of kopecks, checked by `kopecks(_:field:)`.
        try! YooKassaAmount(Money(minorUnits: kopecks, currency: .rub))
    }

    /// A wire amount as kopecks: RUB only (400 naming `<field>.currency` otherwise), a positive decimal with at most
    /// two digits after a dot (400 naming `<field>.value` otherwise).
    static func kopecks(_ amount: YooKassaAmount, field: String) throws(Refusal) -> Int64 {
        guard amount.currency == "RUB" else {
            throw Self.invalid(
                "\(field).currency",
                "Currency '\(amount.currency.prefix(8))' is not accepted: this shop accepts RUB only"
            )
        }
        let value = amount.value
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), (1...12).contains(parts[0].count),
            parts.count == 1 || (1...2).contains(parts[1].count),
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let money = try? Money(parsing: value, currency: .rub)
        else {
            throw Self.invalid(
                "\(field).value",
                "Invalid amount value '\(value.prefix(24))': a decimal such as 1499.00"
            )
        }
        guard money.minorUnits > 0 else {
            throw Self.invalid("\(field).value", "Amount value must be positive, not \(value.prefix(24))")
        }
        return money.minorUnits
    }

    /// The request body as `type`, or a 400 naming the field that is missing or wrong (`amount.value`).
    static func decode<Body: Decodable>(_ type: Body.Type, _ body: [UInt8]) throws(Refusal) -> Body {
        do {
            return try JSONDecoder().decode(Body.self, from: Data(body.isEmpty ? Array("{}".utf8) : body))
        } catch {
            switch error {
            case DecodingError.keyNotFound(let key, let context):
                throw Self.invalid(Self.path(context.codingPath + [key]), "Required parameter missing")
            case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
                throw Self.invalid(Self.path(context.codingPath), "Parameter of the wrong type")
            default:
                throw Self.invalid(nil, "The request body is not JSON")
            }
        }
    }

    /// `Idempotence-Key`, present and at most ``maxIdempotenceKeyLength`` characters.
    private static func idempotenceKey(_ key: String?) throws(Refusal) -> String {
        guard let key, !key.isEmpty else {
            throw Self.invalid("Idempotence-Key", "Idempotence-Key header is required for POST requests")
        }
        guard key.count <= Self.maxIdempotenceKeyLength else {
            throw Self.invalid(
                "Idempotence-Key",
                "Idempotence-Key must be at most \(Self.maxIdempotenceKeyLength) characters"
            )
        }
        return key
    }

    /// The body as JSON with sorted keys, so the same body sent with its keys in another order still matches.
    private static func canonical(_ body: [UInt8]) throws(Refusal) -> String {
        guard !body.isEmpty else { return "{}" }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        else { throw Self.invalid(nil, "The request body is not JSON") }
        return String(decoding: data, as: UTF8.self)
    }

    /// A coding path as YooKassa names fields: `amount.value`.
    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    private static let encoder = YooKassaJSON.encoder()

    /// `value` as a 200 (or `status`) JSON answer.
    static func json(_ value: some Encodable, status: Int = 200) -> LocalYooKassaReply {
        // The ledger's own types always encode; a failure here is a bug in this file.
        let body = try! Self.encoder.encode(value)
        return LocalYooKassaReply(status: status, body: Array(body))
    }

    /// A YooKassa error answer.
    static func error(
        _ status: Int,
        code: String,
        description: String,
        parameter: String? = nil,
        retryAfter: Int? = nil
    ) -> LocalYooKassaReply {
        let body = YooKassaErrorBody(
            id: "local-error",
            code: code,
            description: description,
            parameter: parameter,
            retryAfter: retryAfter
        )
        return Self.json(body, status: status)
    }

    /// A 400 `invalid_request` naming `parameter`, to throw.
    static func invalid(_ parameter: String?, _ description: String) -> Refusal {
        Refusal(reply: Self.error(400, code: "invalid_request", description: description, parameter: parameter))
    }

    /// A 404 `not_found` naming `parameter`, to throw.
    static func notFound(_ parameter: String?, _ description: String) -> Refusal {
        Refusal(reply: Self.error(404, code: "not_found", description: description, parameter: parameter))
    }
}

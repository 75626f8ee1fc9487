import Foundation

/// What the local GA4 server checks in a Measurement Protocol body: what `providers.md` §3 says Google checks,
/// as `validationMessages`. It parses the body on its own (with `JSONSerialization`, not the exporter's types), so a
/// mistake in the exporter's JSON is not shared by its judge.
///
/// Checked: the body's size (130 kB) and shape; `client_id` present; `timestamp_micros` (of the request and of
/// each event) an integer at most 72 hours old and not in the future; 1 to 25 events; each event's name (at most
/// 40 characters, a letter first, letters, digits and `_`, no reserved name or prefix); at most 25 params with
/// valid names, string values (the items' too) of at most 100 characters; `currency` (three capital letters)
/// whenever `value` is set, `value` a number; `items` an array of objects each with `item_id` or `item_name`,
/// numeric `price` and integer `quantity`; and, for `purchase` and `refund`, a `transaction_id` (Google checks it
/// under `ENFORCE_RECOMMENDATIONS`).
struct LocalGA4Validator {
    /// One validation message, as the debug endpoint answers it.
    struct Message: Sendable, Hashable, Codable {
        var fieldPath: String
        var description: String
        var validationCode: String
    }

    /// One event of a valid body.
    struct Event {
        var name: String
        var timestampMicros: Int64?
        var params: [String: Any]
    }

    static let maxBodyBytes = 130_000
    static let maxEvents = 25
    static let maxParams = 25
    static let maxNameLength = 40
    static let maxParamValueLength = 100
    static let maxBackdating: TimeInterval = 72 * 3600
    static let reservedNames: Set<String> = [
        "ad_activeview", "ad_click", "ad_exposure", "ad_query", "ad_reward", "adunit_exposure", "app_clear_data",
        "app_exception", "app_install", "app_remove", "app_store_refund", "app_update", "app_upgrade", "error",
        "first_open", "first_visit", "in_app_purchase", "notification_dismiss", "notification_foreground",
        "notification_open", "notification_receive", "notification_send", "os_update", "session_start",
        "user_engagement",
    ]
    static let reservedPrefixes = ["_", "firebase_", "ga_", "google_", "gtag."]

    let now: Date
    private(set) var messages: [Message] = []

    init(now: Date) { self.now = now }

    /// Checks `body`; the client id and events when it is valid.
    mutating func check(_ body: [UInt8]) -> (clientID: String, events: [Event])? {
        guard body.count <= Self.maxBodyBytes else {
            self.fail("", "The request body is over \(Self.maxBodyBytes) bytes.", "EXCEEDED_MAX_ENTITY_SIZE")
            return nil
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            self.fail("", "The request body is not a JSON object.", "VALUE_INVALID")
            return nil
        }
        let clientID = object["client_id"] as? String ?? ""
        if clientID.isEmpty { self.fail("client_id", "client_id is required.", "VALUE_REQUIRED") }
        self.checkTimestamp(object["timestamp_micros"], at: "timestamp_micros")
        var events: [Event] = []
        guard let list = object["events"] as? [Any], !list.isEmpty else {
            self.fail("events", "At least one event is required.", "VALUE_REQUIRED")
            return nil
        }
        if list.count > Self.maxEvents {
            self.fail("events", "A request holds at most \(Self.maxEvents) events.", "EXCEEDED_MAX_ENTITIES")
        }
        for (index, value) in list.enumerated() {
            if let event = self.checkEvent(value, at: "events[\(index)]") { events.append(event) }
        }
        return self.messages.isEmpty ? (clientID, events) : nil
    }

    private mutating func checkEvent(_ value: Any, at path: String) -> Event? {
        guard let event = value as? [String: Any] else {
            self.fail(path, "An event is a JSON object.", "VALUE_INVALID")
            return nil
        }
        let name = event["name"] as? String ?? ""
        self.checkName(name, at: "\(path).name", isEvent: true)
        self.checkTimestamp(event["timestamp_micros"], at: "\(path).timestamp_micros")
        let params = event["params"] as? [String: Any] ?? [:]
        if event["params"] != nil, event["params"] as? [String: Any] == nil {
            self.fail("\(path).params", "params is a JSON object.", "VALUE_INVALID")
        }
        if params.count > Self.maxParams {
            self.fail("\(path).params", "An event has at most \(Self.maxParams) params.", "EXCEEDED_MAX_ENTITIES")
        }
        for (key, value) in params.sorted(by: { $0.key < $1.key }) {
            self.checkName(key, at: "\(path).params.\(key)", isEvent: false)
            if let text = value as? String, text.count > Self.maxParamValueLength {
                self.fail(
                    "\(path).params.\(key)",
                    "A param value has at most \(Self.maxParamValueLength) characters.",
                    "VALUE_OUT_OF_BOUNDS"
                )
            }
        }
        if params["value"] != nil {
            if !Self.isNumber(params["value"]) {
                self.fail("\(path).params.value", "value must be a number.", "VALUE_INVALID")
            }
            let currency = params["currency"] as? String ?? ""
            if currency.isEmpty {
                self.fail("\(path).params.currency", "currency is required when value is set.", "VALUE_REQUIRED")
            } else if currency.count != 3 || !currency.allSatisfy({ $0.isASCII && $0.isUppercase }) {
                self.fail("\(path).params.currency", "currency must be an ISO 4217 code.", "VALUE_INVALID")
            }
        }
        if name == "purchase" || name == "refund", (params["transaction_id"] as? String ?? "").isEmpty {
            self.fail("\(path).params.transaction_id", "transaction_id is required for \(name).", "VALUE_REQUIRED")
        }
        if let items = params["items"] {
            self.checkItems(items, at: "\(path).params.items")
        }
        let timestamp = (event["timestamp_micros"] as? NSNumber)?.int64Value
        return Event(name: name, timestampMicros: timestamp, params: params)
    }

    private mutating func checkItems(_ value: Any, at path: String) {
        guard let items = value as? [Any] else {
            self.fail(path, "items is an array.", "VALUE_INVALID")
            return
        }
        for (index, value) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let item = value as? [String: Any] else {
                self.fail(itemPath, "An item is a JSON object.", "VALUE_INVALID")
                continue
            }
            if (item["item_id"] as? String ?? "").isEmpty, (item["item_name"] as? String ?? "").isEmpty {
                self.fail(itemPath, "An item needs item_id or item_name.", "VALUE_REQUIRED")
            }
            for (key, value) in item.sorted(by: { $0.key < $1.key }) {
                if let text = value as? String, text.count > Self.maxParamValueLength {
                    self.fail(
                        "\(itemPath).\(key)",
                        "An item value has at most \(Self.maxParamValueLength) characters.",
                        "VALUE_OUT_OF_BOUNDS"
                    )
                }
            }
            if item["price"] != nil, !Self.isNumber(item["price"]) {
                self.fail("\(itemPath).price", "price must be a number.", "VALUE_INVALID")
            }
            if item["quantity"] != nil, !Self.isInteger(item["quantity"]) {
                self.fail("\(itemPath).quantity", "quantity must be an integer.", "VALUE_INVALID")
            }
        }
    }

    private mutating func checkName(_ name: String, at path: String, isEvent: Bool) {
        let what = isEvent ? "An event name" : "A param name"
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII else {
            self.fail(path, "\(what) must start with a letter.", "NAME_INVALID")
            return
        }
        if name.count > Self.maxNameLength {
            self.fail(path, "\(what) has at most \(Self.maxNameLength) characters.", "NAME_INVALID")
        } else if !name.unicodeScalars.allSatisfy({
            $0.isASCII && ($0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0))
        }) {
            self.fail(path, "\(what) has letters, digits and underscores only.", "NAME_INVALID")
        } else if isEvent, Self.reservedNames.contains(name) || Self.reservedPrefixes.contains(where: name.hasPrefix) {
            self.fail(path, "\(what) '\(name)' is reserved.", "NAME_RESERVED")
        }
    }

    private mutating func checkTimestamp(_ value: Any?, at path: String) {
        guard let value else { return }
        guard Self.isInteger(value), let micros = (value as? NSNumber)?.int64Value else {
            self.fail(path, "timestamp_micros must be an integer.", "VALUE_INVALID")
            return
        }
        let time = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
        if time < self.now.addingTimeInterval(-Self.maxBackdating) {
            self.fail(path, "timestamp_micros is more than 72 hours in the past.", "VALUE_OUT_OF_BOUNDS")
        } else if time > self.now.addingTimeInterval(60) {
            self.fail(path, "timestamp_micros is in the future.", "VALUE_OUT_OF_BOUNDS")
        }
    }

    private static func isNumber(_ value: Any?) -> Bool {
        guard let value, type(of: value) != Bool.self else { return false }
        return value is NSNumber
    }

    private static func isInteger(_ value: Any?) -> Bool {
        guard Self.isNumber(value), let number = value as? NSNumber else { return false }
        return number.doubleValue.rounded() == number.doubleValue
    }

    private mutating func fail(_ path: String, _ description: String, _ code: String) {
        self.messages.append(Message(fieldPath: path, description: description, validationCode: code))
    }
}

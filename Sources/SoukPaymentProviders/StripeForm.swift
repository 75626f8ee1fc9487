/// A request body or query as Stripe takes it (providers.md §1.1): `application/x-www-form-urlencoded`, nested
/// objects as bracketed keys (`metadata[order_id]=A-1001`), arrays with indexes (`payment_method_types[0]=card`).
///
/// Fields keep the order they were appended in; a map's keys are sorted, so equal forms encode to equal bytes.
/// Values are percent-encoded per RFC 3986 (everything but `A-Z a-z 0-9 - . _ ~`); in names, brackets stay
/// unescaped, as Stripe's SDKs send them.
///
/// ```swift
/// var form = StripeForm()
/// form.append("amount", 149_900)
/// form.append("metadata", .map(["order_id": "A-1001"]))
/// form.encoded // "amount=149900&metadata[order_id]=A-1001"
/// ```
package struct StripeForm: Sendable, Hashable {
    /// One `name=value` pair, before percent-encoding.
    package struct Field: Sendable, Hashable {
        /// The flattened name, brackets included (`metadata[order_id]`).
        package var name: String
        /// The text value.
        package var value: String
    }

    /// A value to flatten into fields: text, a map of named values, or a list of values.
    package indirect enum Value: Sendable, Hashable, ExpressibleByStringLiteral {
        /// One field.
        case text(String)
        /// `name[key]` for each key, sorted.
        case map([String: Value])
        /// `name[index]` for each element, from 0.
        case list([Value])

        /// Text from a literal.
        package init(stringLiteral value: String) { self = .text(value) }
    }

    /// The fields in order.
    package private(set) var fields: [Field] = []

    /// An empty form.
    package init() {}

    /// Appends `name=value`.
    package mutating func append(_ name: String, _ value: String) {
        self.fields.append(Field(name: name, value: value))
    }

    /// Appends an integer as decimal digits.
    package mutating func append(_ name: String, _ value: Int64) {
        self.append(name, String(value))
    }

    /// Appends a boolean as `true` or `false`.
    package mutating func append(_ name: String, _ value: Bool) {
        self.append(name, value ? "true" : "false")
    }

    /// Appends `value` flattened under `name`: maps as `name[key]`, lists as `name[index]`, to any depth. An empty
    /// map or list adds nothing.
    package mutating func append(_ name: String, _ value: Value) {
        switch value {
        case .text(let text):
            self.append(name, text)
        case .map(let entries):
            for key in entries.keys.sorted() { self.append("\(name)[\(key)]", entries[key]!) }
        case .list(let elements):
            for (index, element) in elements.enumerated() { self.append("\(name)[\(index)]", element) }
        }
    }

    /// The first value named exactly `name`, or nil.
    package subscript(name: String) -> String? {
        self.fields.first { $0.name == name }?.value
    }

    /// The one-level map under `name`: `name[key]=value` for each field so named (`metadata` gives the metadata).
    package func map(_ name: String) -> [String: String] {
        let prefix = name + "["
        var map: [String: String] = [:]
        for field in self.fields where field.name.hasPrefix(prefix) && field.name.hasSuffix("]") {
            let key = field.name.dropFirst(prefix.count).dropLast()
            if !key.contains("[") && !key.contains("]") { map[String(key)] = field.value }
        }
        return map
    }

    /// The body: `name=value` pairs joined by `&`, percent-encoded.
    package var encoded: String {
        self.fields.map { Self.escape($0.name, keeping: "[]") + "=" + Self.escape($0.value, keeping: "") }
            .joined(separator: "&")
    }

    /// Reads an encoded form (a body or a query without its `?`). `+` is a space, as HTML forms send it.
    ///
    /// - Throws: ``StripeFormError`` for a `%` not followed by two hex digits, or bytes that are not UTF-8 once
    ///   decoded.
    package init(decoding text: some StringProtocol) throws(StripeFormError) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.unescape(parts[0])
            let value = parts.count > 1 ? try Self.unescape(parts[1]) : ""
            self.append(name, value)
        }
    }

    /// Bytes RFC 3986 leaves unreserved, plus `extra`.
    private static func escape(_ text: String, keeping extra: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        let kept = Set(extra.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                bytes.append(byte)
            case _ where kept.contains(byte):
                bytes.append(byte)
            default:
                bytes.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func unescape(_ text: some StringProtocol) throws(StripeFormError) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(Self.hexValue),
                    let low = iterator.next().flatMap(Self.hexValue)
                else { throw StripeFormError(text: String(text.prefix(40))) }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw StripeFormError(text: String(text.prefix(40)))
        }
        return string
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A form that cannot be read: a broken `%` escape or bytes that are not UTF-8.
package struct StripeFormError: Error, Hashable, CustomStringConvertible {
    /// The start of the offending part.
    package var text: String

    package var description: String { "form: '\(self.text)' is not percent-encoded UTF-8" }
}

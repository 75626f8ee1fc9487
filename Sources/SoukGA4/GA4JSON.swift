/// A JSON value as the Measurement Protocol body needs it, written by hand so that money is a JSON number with
/// exactly the digits computed from minor units (no binary floating point on the way) and keys keep their order.
package indirect enum GA4JSON: Sendable, Hashable {
    /// One key and its value in an object.
    package struct Member: Sendable, Hashable {
        package var key: String
        package var value: GA4JSON

        package init(_ key: String, _ value: GA4JSON) {
            self.key = key
            self.value = value
        }
    }

    case string(String)
    /// A number, as the JSON text of it (e.g. `2998.00`); callers make it from integers only.
    case number(String)
    case array([GA4JSON])
    case object([Member])

    /// An integer number.
    package static func integer(_ value: some BinaryInteger) -> Self { .number("\(value)") }

    /// The JSON text.
    package var text: String {
        var out = ""
        self.write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .string(let value):
            Self.writeString(value, to: &out)
        case .number(let text):
            out += text
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                Self.writeString(member.key, to: &out)
                out += ":"
                member.value.write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ value: String, to out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

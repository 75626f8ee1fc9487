package import Foundation

/// CDEK's JSON: snake_case keys, sorted on output so equal values give equal bytes.
package enum CDEKJSON {
    /// A decoder for CDEK's answers and webhooks.
    package static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// An encoder for CDEK's requests (and the local server's answers).
    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `2026-01-02T10:00:00+0300` (CDEK's form), `…+03:00`, `…Z`, with or without fractional seconds; nil for
    /// anything else.
    package static func date(_ text: String) -> Date? {
        var text = text
        let utf8 = Array(text.utf8)
        if utf8.count > 5, utf8[utf8.count - 5] == UInt8(ascii: "+") || utf8[utf8.count - 5] == UInt8(ascii: "-"),
            utf8.suffix(4).allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        {
            text.insert(":", at: text.index(text.endIndex, offsetBy: -2))
        }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// `date` as CDEK writes it, in UTC: `2026-01-02T07:00:00+0000`.
    package static func string(_ date: Date) -> String {
        let text = date.formatted(Date.ISO8601FormatStyle())
        return text.hasSuffix("Z") ? String(text.dropLast()) + "+0000" : text
    }
}

package import Foundation

/// EasyPost's JSON: snake_case keys, sorted on output so equal values give equal bytes; times ISO 8601.
package enum EasyPostJSON {
    /// A decoder for EasyPost's answers and events.
    package static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// An encoder for EasyPost's requests (and the local server's answers).
    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `2026-01-02T10:00:00Z`, with or without fractional seconds or an offset; nil for anything else.
    package static func date(_ text: String) -> Date? { CDEKJSON.date(text) }

    /// `date` as EasyPost writes it: `2026-01-02T10:00:00Z`.
    package static func string(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
}

package import Foundation

/// YooKassa's JSON: snake_case keys (spelled by each type's coding keys) and times as ISO 8601 strings in UTC
/// with milliseconds (`2026-01-01T00:00:00.000Z`); a time without milliseconds is read too.
package enum YooKassaJSON {
    /// A decoder for YooKassa's objects, error bodies and notifications.
    package static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Self.date(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "'\(text.prefix(40))' is not an ISO 8601 time"
                )
            }
            return date
        }
        return decoder
    }

    /// An encoder writing what ``decoder()`` reads, with sorted keys so equal values give equal bytes.
    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Self.string(date))
        }
        return encoder
    }

    /// `date` as YooKassa writes it: `2026-01-01T00:00:00.000Z`.
    package static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// An ISO 8601 time in UTC, with or without fractional seconds; nil for anything else.
    package static func date(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}

import Foundation

/// How a caller names an order where an `order_id` is asked: its id, its number (`24`), or a prefix of its id
/// long enough to name one order (`3f2a1b`, as a table shows it cut). Digits alone are an order number.
enum OrderReference: Sendable, Equatable {
    case id(UUID)
    case number(Int64)
    case idPrefix(String)

    /// The shortest id prefix accepted: shorter ones would match many orders of a busy shop.
    static let shortestPrefix = 6

    /// Parses `text`, ignoring surrounding spaces and a trailing `…` pasted from a table.
    /// - Throws: ``CatalogError`` (invalid argument) naming `field` when `text` is none of the three.
    init(_ text: String, field: String) throws {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("…") { trimmed.removeLast() }
        if let id = UUID(uuidString: trimmed) {
            self = .id(id)
        } else if !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let number = Int64(trimmed), number > 0 else {
                throw CatalogError.invalidArgument("\(field): order numbers are 1 to \(Int64.max)")
            }
            self = .number(number)
        } else if trimmed.count >= Self.shortestPrefix, trimmed.count < 36,
            trimmed.allSatisfy({ $0.isHexDigit || $0 == "-" })
        {
            self = .idPrefix(trimmed.lowercased())
        } else if trimmed.isEmpty {
            throw CatalogError.invalidArgument("\(field): required (an order id, number or id prefix)")
        } else {
            throw CatalogError.invalidArgument(
                "\(field): '\(text.prefix(40))' is not an order id, an order number or an id prefix of at least "
                    + "\(Self.shortestPrefix) characters"
            )
        }
    }
}

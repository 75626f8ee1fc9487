package import Foundation
import SoukDomain

/// How a caller names an order where an `order_id` is asked: its id, its number (`24`), or a prefix of its id
/// long enough to name one order (`3f2a1b`, as a table shows it cut).
///
/// Digits alone are an order number first; six or more of them may also be the start of an id (an id's first
/// characters are all decimal digits about once in forty), tried when no order has that number. Text ending in
/// `…`, as a table cuts an id, is always an id prefix.
package enum OrderReference: Sendable, Equatable {
    case id(UUID)
    /// An order number, and the same digits as an id prefix when they are long enough to be one.
    case number(Int64, orIDPrefix: String?)
    case idPrefix(String)

    /// The shortest id prefix accepted: shorter ones would match many orders of a busy shop.
    package static let shortestPrefix = IDPrefix.shortest

    /// Parses `text`, ignoring surrounding spaces and a trailing `…` pasted from a table.
    /// - Throws: ``CatalogError`` (invalid argument) naming `field` when `text` is none of the three.
    package init(_ text: String, field: String) throws {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        let cutFromTable = trimmed.hasSuffix("…")
        if cutFromTable { trimmed.removeLast() }
        let couldBePrefix = trimmed.count >= Self.shortestPrefix && IDPrefix.isIDPrefix(trimmed)
        if let id = UUID(uuidString: trimmed) {
            self = .id(id)
        } else if !cutFromTable, !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let number = Int64(trimmed), number > 0 else {
                guard couldBePrefix else {
                    throw CatalogError.invalidArgument("\(field): order numbers are 1 to \(Int64.max)")
                }
                self = .idPrefix(trimmed.lowercased())
                return
            }
            self = .number(number, orIDPrefix: couldBePrefix ? trimmed : nil)
        } else if couldBePrefix {
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

import Foundation

/// The start of an id as a person pastes it from a table that cut it (`3f2a1b9c…`): long enough to name one
/// record of a busy shop, and shaped like an id's text, so it holds no SQL `LIKE` wildcard.
package enum IDPrefix {
    /// The shortest prefix accepted: shorter ones would match many records.
    package static let shortest = 6

    /// The lowercased prefix `text` gives (surrounding spaces and a trailing `…` ignored), or nil when it is too
    /// short or not shaped like the start of an id.
    package static func parse(_ text: String) -> String? {
        var trimmed = Substring(text.trimmingCharacters(in: .whitespaces))
        if trimmed.hasSuffix("…") { trimmed = trimmed.dropLast() }
        guard trimmed.count >= Self.shortest, Self.isIDPrefix(trimmed) else { return nil }
        return trimmed.lowercased()
    }

    /// Whether `text` could start an id's text form: hex digits, with dashes exactly where an id has them
    /// (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`), and shorter than a whole id.
    package static func isIDPrefix(_ text: some StringProtocol) -> Bool {
        guard text.count < 36 else { return false }
        for (offset, character) in text.enumerated() {
            let dash = [8, 13, 18, 23].contains(offset)
            guard dash ? character == "-" : (character.isASCII && character.isHexDigit) else { return false }
        }
        return true
    }
}

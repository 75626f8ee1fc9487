import Foundation

/// PROTOCOL.md cut into units a claim can quote: prose sentences, list items' sentences, table cells.
///
/// Markdown emphasis and backticks are dropped and whitespace collapsed, so a claim quotes the words as read.
struct NormativeText {
    /// One sentence (or table cell) and the section it is in.
    struct Unit: CustomStringConvertible {
        var section: String
        var text: String

        /// Whether it holds MUST or MUST NOT.
        var isNormative: Bool { self.text.range(of: #"\bMUST\b"#, options: .regularExpression) != nil }

        var description: String { "§\(self.section): \(self.text)" }
    }

    let units: [Unit]

    init(document: String) {
        var units: [Unit] = []
        var section = "0"
        var paragraph: [String] = []
        var inCode = false
        func flush() {
            guard !paragraph.isEmpty else { return }
            for sentence in Self.sentences(Self.normalize(paragraph.joined(separator: " "))) {
                units.append(Unit(section: section, text: sentence))
            }
            paragraph = []
        }
        for rawLine in document.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") {
                flush()
                inCode.toggle()
                continue
            }
            if inCode { continue }
            if line.hasPrefix("#") {
                flush()
                if let match = line.firstMatch(of: #/^#{2,3} (\d+(?:\.\d+)?)/#) { section = String(match.1) }
                continue
            }
            if line.isEmpty {
                flush()
            } else if line.hasPrefix("|") {
                flush()
                for cell in line.split(separator: "|") {
                    let text = Self.normalize(String(cell))
                    if !text.isEmpty { units.append(Unit(section: section, text: text)) }
                }
            } else if line.hasPrefix("- ") || line.firstMatch(of: #/^\d+\. /#) != nil {
                flush()
                paragraph = [line]
            } else {
                paragraph.append(line)
            }
        }
        flush()
        self.units = units
    }

    /// The units of `section` that contain `fragment`.
    func units(in section: String, containing fragment: String) -> [Unit] {
        let fragment = Self.normalize(fragment)
        return self.units.filter { $0.section == section && $0.text.contains(fragment) }
    }

    static func normalize(_ text: String) -> String {
        text.replacingOccurrences(of: "*", with: "").replacingOccurrences(of: "`", with: "")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Splits after `.`, `!` or `?` when a capital letter (or a parenthesis) starts the next sentence.
    static func sentences(_ text: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            current.append(character)
            let isEnd =
                ".!?".contains(character) && index + 2 < characters.count && characters[index + 1] == " "
                && (characters[index + 2].isUppercase || characters[index + 2] == "(")
            if isEnd {
                sentences.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            }
        }
        let rest = current.trimmingCharacters(in: .whitespaces)
        if !rest.isEmpty { sentences.append(rest) }
        return sentences
    }

    /// PROTOCOL.md at the package root.
    static func protocolDocument() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("PROTOCOL.md"), encoding: .utf8)
    }
}

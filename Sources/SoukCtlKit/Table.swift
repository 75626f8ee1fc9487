/// Rows under a header, laid out in columns that fit a terminal width.
///
/// Columns are separated by two spaces. When the table is wider than the terminal, the widest column is
/// narrowed one character at a time (never below ``minimumColumnWidth``) and cells that no longer fit end in
/// "…". The last column is not padded, so no line ends in spaces.
///
/// ```swift
/// let table = Table(header: ["ID", "TITLE"], rows: [["7f…", "Чайник"]])
/// print(table.render(width: 80))
/// ```
package struct Table: Sendable, Hashable {
    /// Column titles.
    package var header: [String]
    /// Cells, one array per row, as many as the header has.
    package var rows: [[String]]

    /// The narrowest a column is made when the table is too wide.
    package static let minimumColumnWidth = 4

    /// A table.
    package init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// The column widths that fit `width` characters (or the natural widths when they cannot all fit).
    package func columnWidths(fitting width: Int) -> [Int] {
        var widths = self.header.map(\.count)
        for row in self.rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], Self.firstLine(cell).count)
            }
        }
        let gaps = 2 * max(0, widths.count - 1)
        var excess = widths.reduce(gaps, +) - width
        while excess > 0 {
            guard let widest = widths.indices.max(by: { widths[$0] < widths[$1] }),
                widths[widest] > Self.minimumColumnWidth
            else { break }
            widths[widest] -= 1
            excess -= 1
        }
        return widths
    }

    /// The table as lines of at most `width` characters (when it can fit), joined by newlines.
    package func render(width: Int) -> String {
        let widths = self.columnWidths(fitting: width)
        return ([self.header] + self.rows).map { row in
            var line = ""
            for (index, columnWidth) in widths.enumerated() {
                let cell = Self.fit(index < row.count ? Self.firstLine(row[index]) : "", to: columnWidth)
                if index == widths.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: columnWidth - cell.count) + "  "
                }
            }
            return line.trailingSpacesRemoved
        }.joined(separator: "\n")
    }

    /// `text` cut to `width` characters, ending in "…" when it was longer.
    package static func fit(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(width)) }
        return String(text.prefix(width - 1)) + "…"
    }

    private static func firstLine(_ text: String) -> String {
        guard let newline = text.firstIndex(where: \.isNewline) else { return text }
        return String(text[..<newline]) + "…"
    }
}

extension String {
    fileprivate var trailingSpacesRemoved: String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}

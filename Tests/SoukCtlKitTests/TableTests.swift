import SoukCtlKit
import Testing

@Suite("Tables fitted to the terminal width")
struct TableTests {
    @Test("a table that fits keeps its natural widths and no line ends in spaces")
    func fits() {
        let table = Table(header: ["ID", "TITLE", "X"], rows: [["1", "Tea", ""]])
        #expect(table.render(width: 80) == "ID  TITLE  X\n1   Tea")
    }

    @Test("the widest column is narrowed and its cells end in an ellipsis")
    func narrowsTheWidest() {
        let table = Table(
            header: ["ID", "TITLE", "PRICE"],
            rows: [["7f3a", "Чайник электрический со свистком, 1,7 л", "1499.00 RUB"]]
        )
        let lines = table.render(width: 40).split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 40 })
        #expect(lines[1].hasPrefix("7f3a  Чайник"))
        #expect(lines[1].contains("…  1499.00 RUB"))
        #expect(table.columnWidths(fitting: 40) == [4, 21, 11])
    }

    @Test("columns never get narrower than the minimum, even when the terminal is tiny")
    func minimum() {
        let table = Table(header: ["AAAAAAAA", "BBBBBBBB"], rows: [])
        #expect(table.columnWidths(fitting: 3) == [Table.minimumColumnWidth, Table.minimumColumnWidth])
        #expect(table.render(width: 3) == "AAA…  BBB…")
    }

    @Test("a cell with a newline shows its first line", arguments: [("a\nb", 10, "a…"), ("abcdef", 4, "abc…")])
    func cells(text: String, width: Int, expected: String) {
        let table = Table(header: ["C"], rows: [[text]])
        #expect(table.render(width: width).split(separator: "\n").last.map(String.init) == expected)
    }
}

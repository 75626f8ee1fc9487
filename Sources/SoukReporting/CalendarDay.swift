/// A proleptic Gregorian calendar day written `YYYY-MM-DD`, with no time zone of its own.
struct CalendarDay: Sendable, Hashable {
    /// As written, `2026-03-29`.
    var text: String
    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil), for counting a range's days.
    var dayNumber: Int64

    /// Parses `text`.
    ///
    /// - Throws: ``ReportingError`` (invalid argument) naming `field` when `text` is not a real `YYYY-MM-DD` day
    ///   of years 1 to 9999.
    init(parsing text: String, field: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { (48...57).contains($0) } }),
            let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]),
            year >= 1, (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day)
        else {
            throw ReportingError.invalidArgument("\(field): '\(text.prefix(40))' is not a date; write YYYY-MM-DD")
        }
        self.text = text
        self.dayNumber = Self.daysFromCivil(year: year, month: month, day: day)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

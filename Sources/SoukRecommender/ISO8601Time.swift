/// ISO 8601 dates and times to seconds since 1970 (UTC), without Foundation: `YYYY-MM-DD`, then optionally
/// `THH:MM[:SS[.fraction]]` (or a space for `T`) and `Z` or `±HH:MM`/`±HHMM` (no zone: UTC).
enum ISO8601Time {
    static func seconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<digits {
                let byte = bytes[index + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += digits
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
            (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var seconds = Int64(Self.daysFromCivil(year: year, month: month, day: day)) * 86_400
        guard index < bytes.count else { return seconds }
        guard bytes[index] == 84 || bytes[index] == 32 else { return nil }  // "T" or " "
        index += 1
        guard let hour = number(2), hour < 24, expect(58), let minute = number(2), minute < 60 else { return nil }
        seconds += Int64(hour * 3600 + minute * 60)
        if expect(58) {
            guard let second = number(2), second <= 60 else { return nil }
            seconds += Int64(second)
            if expect(46) {
                let start = index
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
                guard index > start else { return nil }
            }
        }
        guard index < bytes.count else { return seconds }
        if expect(90) { return index == bytes.count ? seconds : nil }  // "Z"
        let sign: Int64
        if expect(43) {
            sign = 1
        } else if expect(45) {
            sign = -1
        } else {
            return nil
        }
        guard let offsetHours = number(2), offsetHours < 24 else { return nil }
        _ = expect(58)
        guard let offsetMinutes = number(2), offsetMinutes < 60, index == bytes.count else { return nil }
        return seconds - sign * Int64(offsetHours * 3600 + offsetMinutes * 60)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

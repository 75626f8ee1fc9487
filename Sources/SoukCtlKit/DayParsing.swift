import SoukCalendar

/// Calendar days as typed on the command line (`2026-11-26`) and instants as printed, in UTC, without
/// Foundation's calendars.
package enum DayParsing {
    /// The Unix milliseconds of midnight UTC that starts `text` (`YYYY-MM-DD`).
    ///
    /// - Throws: ``CtlError`` (usage) naming `flag`.
    package static func startOfDay(_ text: String, flag: String) throws -> Int64 {
        guard let day = CivilDay(parsing: text) else {
            throw CtlError(.usage, "\(flag): '\(text.prefix(40))' is not a date", hint: "write it as YYYY-MM-DD")
        }
        return day.daysSinceEpoch * 86_400_000
    }

    /// `2026-11-26 14:03:07` (UTC) for Unix milliseconds.
    package static func format(unixMs: Int64) -> String {
        let seconds = unixMs >= 0 ? unixMs / 1000 : (unixMs - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(CivilDay(daysSinceEpoch: days).text) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
    }
}

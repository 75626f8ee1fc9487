import SoukAPI
import SoukCalendar
import SoukMoney

/// A report's request, checked: a range of whole local days, a time zone, a grouping and an optional currency.
///
/// The time zone is only checked for its shape here; whether PostgreSQL knows it is asked by the store
/// (``ReportingStore/check(timeZone:)``), so the zone that buckets the orders is the zone that was checked.
struct ReportQuery: Sendable, Hashable {
    /// The longest range grouped by day, in days.
    static let maximumDailyDays = 366
    /// The longest range grouped by week or month, in days (five years, one of them leap, and one more day).
    static let maximumDays = 1827

    /// The first local day included.
    var from: CivilDay
    /// The last local day included.
    var to: CivilDay
    /// An IANA name, checked against PostgreSQL's zones by the store.
    var timeZone: String
    /// `day`, `week` or `month`: the unit PostgreSQL's `date_trunc` takes.
    var unit: String
    /// An ISO 4217 code, or empty for every currency.
    var currency: String

    /// Checks the fields every report request has.
    ///
    /// - Throws: ``ReportingError`` (invalid argument) naming the first bad field: `from` or `to` not a date,
    ///   `to` before `from`, a range over the grouping's limit, `grouping` unset or unknown, `time_zone` empty or
    ///   malformed, `currency` not a supported ISO 4217 code.
    init(_ request: some ReportRequest) throws {
        let (from, to, timeZone, grouping, currency) = (
            request.from, request.to, request.timeZone, request.grouping, request.currency
        )
        let first = try Self.day(from, field: "from")
        let last = try Self.day(to, field: "to")
        guard last >= first else {
            throw ReportingError.invalidArgument("to: \(last.text) is before from \(first.text)")
        }
        switch grouping {
        case .day: self.unit = "day"
        case .week: self.unit = "week"
        case .month: self.unit = "month"
        case .unspecified:
            throw ReportingError.invalidArgument("grouping: required, one of DAY, WEEK, MONTH")
        case .UNRECOGNIZED(let value):
            throw ReportingError.invalidArgument("grouping: \(value) is not DAY, WEEK or MONTH")
        }
        let days = Int(last.daysSinceEpoch - first.daysSinceEpoch) + 1
        let limit = grouping == .day ? Self.maximumDailyDays : Self.maximumDays
        guard days <= limit else {
            throw ReportingError.invalidArgument(
                "to: the range is \(days) days; at most \(limit) when grouped by \(self.unit)"
            )
        }
        try Self.checkShape(timeZone: timeZone)
        try Self.check(currency: currency)
        self.from = first
        self.to = last
        self.timeZone = timeZone
        self.currency = currency
    }

    /// Checks that `timeZone` is given and shaped like an IANA name (whether PostgreSQL knows it is the store's
    /// question).
    static func checkShape(timeZone: String) throws {
        guard !timeZone.isEmpty else {
            throw ReportingError.invalidArgument("time_zone: required, an IANA name such as Europe/Berlin or UTC")
        }
        guard timeZone.utf8.count <= 64,
            timeZone.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789/_+-".unicodeScalars.contains($0))
            })
        else {
            throw ReportingError.invalidArgument("time_zone: '\(timeZone.prefix(40))' is not an IANA time zone")
        }
    }

    /// Checks that `currency` is empty (every currency) or a supported ISO 4217 code.
    static func check(currency: String) throws {
        guard currency.isEmpty || Currency.supported[currency] != nil else {
            throw ReportingError.invalidArgument("currency: '\(currency.prefix(8))' is not a supported ISO 4217 code")
        }
    }

    /// `text` as a day, or an invalid argument naming `field`.
    static func day(_ text: String, field: String) throws -> CivilDay {
        guard let day = CivilDay(parsing: text) else {
            throw ReportingError.invalidArgument("\(field): '\(text.prefix(40))' is not a date; write YYYY-MM-DD")
        }
        return day
    }
}

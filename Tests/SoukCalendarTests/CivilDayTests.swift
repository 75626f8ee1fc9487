import SoukCalendar
import Testing

@Suite("Civil days")
struct CivilDayTests {
    @Test("a day's number counts from 1970-01-01, and the number gives the day back")
    func dayNumbers() throws {
        // 2024-02-29: 54 years of 365 days plus 13 leap days (1972 to 2020) is 19,723 days to 2024-01-01, plus 31
        // (January) and 28 more.
        let leapDay = try #require(CivilDay(parsing: "2024-02-29"))
        #expect(leapDay.daysSinceEpoch == 19_723 + 31 + 28)
        #expect(try #require(CivilDay(parsing: "1970-01-01")).daysSinceEpoch == 0)
        #expect(try #require(CivilDay(parsing: "1969-12-31")).daysSinceEpoch == -1)
        for number in [-719_162, -1, 0, 59, 11_016, 19_781, 2_932_896] as [Int64] {
            let day = CivilDay(daysSinceEpoch: number)
            #expect(day.daysSinceEpoch == number)
            #expect(CivilDay(parsing: day.text) == day)
        }
        #expect(CivilDay(daysSinceEpoch: -719_162).text == "0001-01-01")
        #expect(CivilDay(daysSinceEpoch: 2_932_896).text == "9999-12-31")
    }

    @Test("only real days written YYYY-MM-DD parse")
    func refusals() {
        for text in [
            "2026-02-29", "2100-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "0000-01-01",
            "2026-1-05", "26-01-05", "+202-01-01", "2026-01-0x", "2026/01/05", "2026-01-05T00", "", "--",
        ] {
            #expect(CivilDay(parsing: text) == nil, "\(text)")
        }
        #expect(CivilDay(parsing: "2000-02-29") != nil)
        #expect(CivilDay(parsing: "2026-12-31")! < CivilDay(parsing: "2027-01-01")!)
    }
}

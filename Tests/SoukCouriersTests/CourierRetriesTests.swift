import Foundation
import SoukCouriers
import SoukRetry
import Testing

@Suite("Backoff of courier retries, and CDEK's times")
struct CourierRetriesTests {
    @Test("the waits double from the initial backoff up to the bound, each jittered into its upper half")
    func backoff() {
        let retries = CourierRetries(maxAttempts: 6, initialBackoff: .milliseconds(500), maxBackoff: .seconds(2))
        let bounds: [(Duration, Duration)] = [
            (.milliseconds(250), .milliseconds(500)), (.milliseconds(500), .seconds(1)), (.seconds(1), .seconds(2)),
            (.seconds(1), .seconds(2)), (.seconds(1), .seconds(2)),
        ]
        for (attempt, (low, high)) in zip(1..., bounds) {
            for _ in 0..<20 {
                let wait = retries.backoff(after: attempt)
                #expect(wait >= low && wait <= high, "attempt \(attempt): \(wait)")
            }
        }
    }

    @Test(
        "CDEK's times read with +0300, +03:00, Z and fractional seconds",
        arguments: [
            "2026-03-02T10:14:00+0300", "2026-03-02T10:14:00+03:00", "2026-03-02T07:14:00Z",
            "2026-03-02T07:14:00.000Z", "2026-03-02T07:14:00+0000", "2026-03-02T04:14:00-0300",
        ]
    )
    func times(text: String) {
        #expect(CDEKJSON.date(text) == Date(timeIntervalSince1970: 1_772_435_640))
    }

    @Test("what is not a time is nil, and CDEK's form is written back in UTC")
    func notTimes() {
        #expect(CDEKJSON.date("yesterday") == nil && CDEKJSON.date("2026-03-02") == nil)
        #expect(CDEKJSON.string(Date(timeIntervalSince1970: 1_772_435_640)) == "2026-03-02T07:14:00+0000")
    }
}

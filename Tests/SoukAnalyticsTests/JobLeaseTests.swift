import Foundation
import Logging
import SoukAnalytics
import TestSupport
import Testing

@Suite("Analytics: job leases in PostgreSQL")
struct JobLeaseTests {
    @Test("one holder at a time: renewed by its holder, taken by another only once it runs out or is released")
    func oneHolder() async throws {
        try await TestDatabase.withFresh { _, client in
            let logger = Logger(label: "test")
            try await AnalyticsStore(client: client, logger: logger).migrate()
            let lease = JobLease(client: client, logger: logger)
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let minute = Duration.seconds(60)

            #expect(try await lease.acquire("follow", holder: "a", for: minute, now: start))
            #expect(try await !lease.acquire("follow", holder: "b", for: minute, now: start.addingTimeInterval(30)))
            #expect(try await lease.acquire("follow", holder: "a", for: minute, now: start.addingTimeInterval(50)))
            // a renewed at +50 s until +110 s: b still waits at +100 s, and gets it at +110 s.
            #expect(try await !lease.acquire("follow", holder: "b", for: minute, now: start.addingTimeInterval(100)))
            #expect(try await lease.holder(of: "follow", now: start.addingTimeInterval(100)) == "a")
            #expect(try await lease.acquire("follow", holder: "b", for: minute, now: start.addingTimeInterval(110)))
            #expect(try await !lease.acquire("follow", holder: "a", for: minute, now: start.addingTimeInterval(111)))
            // Another job is another lease.
            #expect(try await lease.acquire("recs-build", holder: "a", for: minute, now: start.addingTimeInterval(111)))
            // Released: a takes it at once; a release by a non-holder changes nothing.
            try await lease.release("follow", holder: "a")
            #expect(try await lease.holder(of: "follow", now: start.addingTimeInterval(112)) == "b")
            try await lease.release("follow", holder: "b")
            #expect(try await lease.holder(of: "follow", now: start.addingTimeInterval(112)) == nil)
            #expect(try await lease.acquire("follow", holder: "a", for: minute, now: start.addingTimeInterval(113)))
        }
    }
}

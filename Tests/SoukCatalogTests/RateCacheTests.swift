import Foundation
import SoukCatalog
import Synchronization
import Testing

@Suite("The exchange-rate cache ages by the wall clock it is given")
struct RateCacheTests {
    @Test("a book is reused for five seconds, reloaded after, and reloaded when the clock went back")
    func age() async throws {
        let cache = RateCache()
        let loads = Mutex(0)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func book(at seconds: TimeInterval) async throws {
            _ = try await cache.book(now: start.addingTimeInterval(seconds)) {
                loads.withLock { $0 += 1 }
                return ([], nil)
            }
        }
        try await book(at: 0)
        try await book(at: 4.9)
        #expect(loads.withLock { $0 } == 1, "younger than five seconds: cached")
        try await book(at: 5)
        #expect(loads.withLock { $0 } == 2, "five seconds old: reloaded")
        try await book(at: 1)
        #expect(loads.withLock { $0 } == 3, "loaded in the future of the clock: reloaded")
    }
}

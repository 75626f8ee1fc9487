import SoukAllocator
import Testing

@Suite("MemoryAllocator")
struct MemoryAllocatorTests {
    @Test("jemalloc, not the C library's malloc, serves a linked program's allocations")
    func jemallocServesAllocations() {
        #expect(MemoryAllocator.jemallocServesAllocations)
        #expect(MemoryAllocator.summary.hasPrefix("jemalloc 5."), "\(MemoryAllocator.summary)")
    }

    @Test("jemalloc's version is read from the library")
    func version() {
        #expect(MemoryAllocator.jemallocVersion.hasPrefix("5."), "\(MemoryAllocator.jemallocVersion)")
    }
}

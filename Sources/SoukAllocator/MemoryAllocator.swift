import CJemalloc

/// The memory allocator of soukd and souk-bridge: jemalloc, linked in place of the C library's malloc.
///
/// Under a steady load glibc's malloc let soukd's resident memory grow by about 1.3 MiB a minute while
/// its live heap stayed flat (heaptrack): freed memory was left scattered across per-thread arenas and
/// could not go back to the system (`malloc_trim` returned under 1 MiB). With jemalloc the same soak is
/// flat. `souk-bench chaos --phase soak` measures it.
package enum MemoryAllocator {
    /// jemalloc's version string, as its `mallctl("version")` gives it.
    package static var jemallocVersion: String {
        var version: UnsafePointer<CChar>? = nil
        var length = MemoryLayout<UnsafePointer<CChar>?>.size
        guard mallctl("version", &version, &length, nil, 0) == 0, let version else { return "unknown" }
        return String(cString: version)
    }

    /// Whether jemalloc serves this process's allocations: a fresh allocation shows in its count of the
    /// bytes this thread allocated. False when the C library's malloc was bound first.
    package static var jemallocServesAllocations: Bool {
        let before = Self.bytesAllocatedByThisThread()
        let probe = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 16)
        let after = Self.bytesAllocatedByThisThread()
        probe.deallocate()
        guard let before, let after else { return false }
        return after &- before >= 4096
    }

    /// One line for logs and banners, e.g. "jemalloc 5.3.0".
    package static var summary: String {
        let version = Self.jemallocVersion.split(separator: "-").first.map(String.init) ?? "unknown"
        if Self.jemallocServesAllocations { return "jemalloc \(version)" }
        return "the C library's malloc (jemalloc \(version) is linked but not serving allocations)"
    }

    private static func bytesAllocatedByThisThread() -> UInt64? {
        var bytes: UInt64 = 0
        var length = MemoryLayout<UInt64>.size
        guard mallctl("thread.allocated", &bytes, &length, nil, 0) == 0 else { return nil }
        return bytes
    }
}

import SoukProcess
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Commands run for the embedded cluster")
struct CommandRunnerTests {
    /// The hexadecimal signal set of `field` (`SigIgn`, `SigBlk`) in a `/proc/<pid>/status` text.
    static func signalSet(_ field: String, in status: String) throws -> UInt64 {
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("\(field):") })
        let hex = String(line.dropFirst(field.count + 1).drop { $0 == " " || $0 == "\t" })
        return try #require(UInt64(hex, radix: 16))
    }

    @Test("a child starts with no signal blocked and none ignored, whatever this process ignores")
    func childSignalsAreReset() async throws {
        // soukd's service group sets SIGTERM and SIGINT to ignored (it reads them through a dispatch source), and
        // an ignored signal stays ignored through exec; SIGUSR2 stands in for them here.
        let previous = signal(SIGUSR2, SIG_IGN)
        defer { signal(SIGUSR2, previous) }
        let outcome = try await CommandRunner().run("/bin/cat", ["/proc/self/status"])
        #expect(outcome.status == 0)
        let ignored = try Self.signalSet("SigIgn", in: outcome.output)
        #expect(ignored & (1 << UInt64(SIGUSR2 - 1)) == 0, "SIGUSR2 is still ignored in the child")
        #expect(try Self.signalSet("SigBlk", in: outcome.output) == 0)
    }
}

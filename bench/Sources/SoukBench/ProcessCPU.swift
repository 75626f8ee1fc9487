#if canImport(Glibc)
import Glibc
#endif

/// CPU time and memory of a process, read from getrusage (this process) or /proc (another one).
package struct ProcessCPU: Sendable {
    /// The process measured; nil means this process.
    package let pid: Int32?

    /// This process.
    package static let current = ProcessCPU(pid: nil)

    package init(pid: Int32?) {
        self.pid = pid
    }

    /// User plus system CPU seconds used so far, or nil if the process is gone.
    package func seconds() -> Double? {
        guard let pid = self.pid else {
            var usage = rusage()
            getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
            return Self.seconds(usage.ru_utime) + Self.seconds(usage.ru_stime)
        }
        // /proc/PID/stat: fields 14 and 15 are utime and stime in clock ticks; the command name (field 2) may
        // hold spaces, so count from the last ')'.
        guard let stat = Self.read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Peak resident memory (VmHWM) in bytes, or nil when unknown.
    package func peakResidentBytes() -> Int? {
        self.statusKilobytes("VmHWM:").map { $0 * 1024 }
    }

    /// Current resident memory (VmRSS) in bytes, or nil when unknown.
    package func residentBytes() -> Int? {
        self.statusKilobytes("VmRSS:").map { $0 * 1024 }
    }

    private func statusKilobytes(_ field: String) -> Int? {
        let path = self.pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
        guard let status = Self.read(path) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    private static func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000
    }

    private static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Who uses a running embedded cluster: the owner, which stops the server when done, and guests, which leave it
/// running.
///
/// The owner is named in `souk-owner.pid` in the cluster folder (its PID, then its lease id); each guest has a
/// file `souk-guests/<pid>-<lease id>`. An owner that finishes while a guest still runs hands the server to that
/// guest instead of stopping it, so neither a command beside `soukd serve` nor `soukd serve` beside a command
/// loses the database. Entries of processes that are gone are ignored (and removed).
struct ClusterUsers: Sendable {
    let clusterDirectory: String

    /// The owner file.
    var ownerFile: String { "\(self.clusterDirectory)/souk-owner.pid" }
    private var guestFolder: String { "\(self.clusterDirectory)/souk-guests" }

    /// The lease id the owner file names, when its process is alive.
    func liveOwner() -> (pid: Int32, id: String)? {
        guard let text = try? String(contentsOfFile: self.ownerFile, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n").map { String($0).trimmed }
        guard let pid = lines.first.flatMap({ Int32($0) }), Self.isLiveProcess(pid) else { return nil }
        return (pid, lines.dropFirst().first ?? "")
    }

    /// Names `lease` the owner.
    func recordOwner(_ lease: ClusterLease) throws {
        try self.writing(self.ownerFile) {
            try "\(getpid())\n\(lease.id)\n".write(toFile: self.ownerFile, atomically: true, encoding: .utf8)
        }
    }

    /// Registers `lease` as a guest.
    func addGuest(_ lease: ClusterLease) throws {
        let file = "\(self.guestFolder)/\(getpid())-\(lease.id)"
        try self.writing(file) {
            try FileManager.default.createDirectory(atPath: self.guestFolder, withIntermediateDirectories: true)
            try Data().write(to: URL(fileURLWithPath: file))
        }
    }

    /// Whether `lease` is the owner now (it may have been handed the server since it started).
    func isOwner(_ lease: ClusterLease) -> Bool {
        guard let owner = self.liveOwner() else { return false }
        return owner.pid == getpid() && owner.id == lease.id
    }

    /// Removes `lease`'s guest entry.
    func removeGuest(_ lease: ClusterLease) {
        try? FileManager.default.removeItem(atPath: "\(self.guestFolder)/\(getpid())-\(lease.id)")
    }

    /// Makes a live guest the owner and returns its PID, or returns `nil` when no guest is alive.
    func handOver() throws -> Int32? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: self.guestFolder)) ?? []
        for name in names.sorted() {
            let file = "\(self.guestFolder)/\(name)"
            guard let dash = name.firstIndex(of: "-"), let pid = Int32(name[..<dash]) else { continue }
            try? FileManager.default.removeItem(atPath: file)
            guard Self.isLiveProcess(pid) else { continue }
            let id = String(name[name.index(after: dash)...])
            try self.writing(self.ownerFile) {
                try "\(pid)\n\(id)\n".write(toFile: self.ownerFile, atomically: true, encoding: .utf8)
            }
            return pid
        }
        return nil
    }

    /// Forgets the owner (the server has stopped).
    func clearOwner() {
        try? FileManager.default.removeItem(atPath: self.ownerFile)
    }

    private func writing(_ file: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            throw StorageError(
                code: .dataFolderUnusable,
                message: "cannot write \(file); check the data folder's permissions",
                cause: error
            )
        }
    }

    /// Whether `pid` is a live process (not a zombie).
    static func isLiveProcess(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        // /proc/<pid>/stat is "pid (comm) state ..."; state Z is a zombie.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return String(stat[stat.index(after: close)...]).trimmed.first != "Z"
    }
}

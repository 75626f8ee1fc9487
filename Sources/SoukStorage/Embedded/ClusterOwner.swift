import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The system user that owns and runs the cluster when Souk itself runs as root.
struct ClusterOwner: Sendable {
    let name: String
    let uid: uid_t
    let gid: gid_t
    let commandPrefix: [String]

    /// `nil` when not root (the cluster then belongs to the current user); the `postgres` user when root.
    static func forCurrentUser() throws -> Self? {
        guard getuid() == 0 else { return nil }
        guard let entry = getpwnam("postgres") else {
            throw StorageError(
                code: .postgresNotInstalled,
                message: """
                    PostgreSQL refuses to run as root and there is no 'postgres' system user to run it as; \
                    install the postgresql package (it creates the user) or run soukd as another user
                    """
            )
        }
        let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        guard let runuser else {
            throw StorageError(
                code: .postgresNotInstalled,
                message:
                    "running the cluster as the postgres user needs runuser; install it with 'apt-get install -y util-linux'"
            )
        }
        return Self(
            name: "postgres",
            uid: entry.pointee.pw_uid,
            gid: entry.pointee.pw_gid,
            commandPrefix: [runuser, "-u", "postgres", "--"]
        )
    }

    /// Gives `path` to this user.
    func takeOwnership(of path: String) throws {
        guard chown(path, self.uid, self.gid) == 0 else {
            throw StorageError(
                code: .dataFolderUnusable,
                message: "cannot give \(path) to the \(self.name) user (errno \(errno))"
            )
        }
    }

    /// Whether this user may pass through every existing ancestor folder of `path`.
    func canTraverse(parentsOf path: String) -> Bool {
        var current = (path as NSString).deletingLastPathComponent
        while !current.isEmpty {
            var info = stat()
            if stat(current, &info) == 0 {
                let mode = info.st_mode
                let allowed: Bool
                if info.st_uid == self.uid {
                    allowed = mode & S_IXUSR != 0
                } else if info.st_gid == self.gid {
                    allowed = mode & S_IXGRP != 0
                } else {
                    allowed = mode & S_IXOTH != 0
                }
                if !allowed { return false }
            }
            if current == "/" { break }
            current = (current as NSString).deletingLastPathComponent
        }
        return true
    }

    /// A short, stable folder name derived from `path` (FNV-1a, 64 bits, hex).
    static func stableName(for path: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}

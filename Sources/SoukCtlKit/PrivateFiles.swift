import Foundation

#if canImport(Glibc)
import Glibc

private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin

private let systemWrite = Darwin.write
#endif

/// Files only their owner may read: folders are made with mode 0700 and files written with mode 0600 from the
/// moment they exist (a temporary file renamed into place, so a reader never sees half a file).
package enum PrivateFiles {
    /// Creates `path` and its missing parents with mode 0700, and sets 0700 on `path` if it already exists.
    ///
    /// - Throws: ``CtlError`` (internal) naming the folder.
    package static func makeFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: path,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw CtlError(.internal, "cannot create the folder \(path)", hint: "check its parent's permissions")
        }
        guard chmod(path, 0o700) == 0 else {
            throw CtlError(.internal, "cannot set mode 0700 on \(path)", hint: "check who owns it")
        }
    }

    /// Writes `bytes` to `path` with `mode` (0600 by default), replacing the file atomically.
    ///
    /// - Throws: ``CtlError`` (internal) naming the file.
    package static func write(_ bytes: [UInt8], to path: String, mode: Int = 0o600) throws {
        let temporary = path + ".tmp-\(getpid())"
        let failure = CtlError(.internal, "cannot write \(path)", hint: "check the folder's permissions and free space")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw failure }
        var written = 0
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let result = systemWrite(fd, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += result
            }
            // The umask may have narrowed the mode; never widened it. Set it exactly.
            return fchmod(fd, mode_t(mode)) == 0 && fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw failure
        }
    }

    /// The bytes of `path`, or nil when there is no such file.
    package static func read(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// Removes `path`; true when there was a file.
    @discardableResult
    package static func remove(_ path: String) -> Bool {
        unlink(path) == 0
    }

    /// The permission bits of `path`, or nil when it does not exist.
    package static func mode(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_mode & 0o777)
    }
}

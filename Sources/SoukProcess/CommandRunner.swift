import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion and captures what it printed.
///
/// Used for `initdb` and `pg_ctl`. Foundation's `Process` is not used on purpose: it detects exit through a
/// socket the child inherits, and `pg_ctl start` hands every inherited descriptor to the server it leaves
/// running, so `Process` would never see `pg_ctl` finish. Here the child gets standard input from /dev/null,
/// one pipe for output, and no other descriptor of ours; the blocking reads and `waitpid` run on NIO's thread pool.
package struct CommandRunner: Sendable {
    /// What a finished command returned.
    package struct Outcome: Sendable {
        /// The exit status (128 + signal number when killed by a signal).
        package var status: Int32
        /// Standard output and standard error together, in the order they were written.
        package var output: String
    }

    /// Prefix applied to every command, e.g. `["/usr/sbin/runuser", "-u", "postgres", "--"]`.
    package var prefix: [String]

    /// Creates a runner that runs commands as the current user, or through `prefix`.
    package init(prefix: [String] = []) {
        self.prefix = prefix
    }

    /// Runs `executable` with `arguments` and waits for it to exit.
    package func run(_ executable: String, _ arguments: [String]) async throws -> Outcome {
        let argv = self.prefix + [executable] + arguments
        return try await NIOThreadPool.singleton.runIfActive {
            try Self.spawnAndWait(argv)
        }
    }

    private static func spawnAndWait(_ argv: [String]) throws -> Outcome {
        Self.markDescriptorsCloseOnExec()
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw Self.error("pipe", argv) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        // The child sees the write end only as its standard output and error (dup2 clears the flag there).
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)

        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = SpawnSignals.withDefaultSignals { attributes in
            posix_spawn(&pid, argv[0], &actions, attributes, &cArguments, environ)
        }
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            throw Self.error("posix_spawn (error \(spawned))", argv)
        }

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count > 0 {
                output.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(readEnd)

        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitStatus: Int32
        if status & 0x7f == 0 {
            exitStatus = (status >> 8) & 0xff
        } else {
            exitStatus = 128 + (status & 0x7f)
        }
        return Outcome(status: exitStatus, output: String(decoding: output, as: UTF8.self))
    }

    /// Marks every open descriptor close-on-exec, so nothing of ours reaches the child (or the server it may leave
    /// running). Harmless for this process: Souk never hands descriptors to children by inheritance.
    private static func markDescriptorsCloseOnExec() {
        guard let directory = opendir("/proc/self/fd") else { return }
        defer { closedir(directory) }
        let own = dirfd(directory)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let fd = Int32(name), fd > 2, fd != own else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 {
                _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC)
            }
        }
    }

    private static func error(_ what: String, _ argv: [String]) -> CommandError {
        CommandError(message: "could not run \(argv.joined(separator: " ")): \(what) failed")
    }
}

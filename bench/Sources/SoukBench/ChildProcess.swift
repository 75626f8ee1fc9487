import Foundation
import SoukProcess

#if canImport(Glibc)
import Glibc
#endif

/// Starts programs for the shop benchmark (soukd, pgbench, createdb) with their output in a file.
///
/// The child gets an empty signal mask and default signal handlers. A process spawned from a Swift task inherits
/// the spawning thread's mask, and runtime threads block signals such as SIGALRM and SIGTERM: pgbench then never
/// sees the alarm that ends its `-T` run, and a server never sees SIGTERM.
enum ChildProcess {
    /// What a finished program returned.
    struct Outcome: Sendable {
        /// The exit status, or 128 + the signal number when killed by a signal.
        var status: Int32
        /// Standard output and standard error together.
        var output: String
    }

    /// Starts `argv` with standard output and error in `log` and standard input from /dev/null.
    ///
    /// - Parameter environment: `NAME=value` entries; nil passes this process's environment.
    static func spawn(_ argv: [String], log: String, environment: [String]? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let entries = environment ?? ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnvironment: [UnsafeMutablePointer<CChar>?] = entries.map { strdup($0) } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var pid: pid_t = 0
        let result = SpawnSignals.withDefaultSignals { attributes in
            posix_spawn(&pid, argv[0], &actions, attributes, &cArguments, &cEnvironment)
        }
        guard result == 0 else {
            throw BenchError.externalTool(tool: argv[0], message: "cannot start: \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Runs `argv` to completion (killing it after `timeout`) and returns its status and output.
    static func run(
        _ argv: [String],
        log: String,
        environment: [String]? = nil,
        timeout: Duration
    ) async throws -> Outcome {
        let pid = try Self.spawn(argv, log: log, environment: environment)
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw BenchError.externalTool(tool: argv[0], message: "did not finish in \(timeout); killed")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return Outcome(status: Self.exitStatus(status), output: output)
    }

    /// Ends `pid`: SIGTERM, then SIGKILL after 30 s.
    static func terminate(_ pid: pid_t) async {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Whether `pid` has exited (and is reaped).
    static func hasExited(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid
    }

    /// The exit status from a `waitpid` status: the code, or 128 + the signal.
    private static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}

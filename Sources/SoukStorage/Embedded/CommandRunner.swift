import Foundation

/// Runs a program to completion and captures what it printed.
///
/// Used for `initdb` and `pg_ctl`, which exit quickly; the server they start is detached from us.
package struct CommandRunner: Sendable {
    /// What a finished command returned.
    package struct Outcome: Sendable {
        /// The exit status.
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice

        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                continuation.resume(returning: finished.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        // pg_ctl start leaves the server holding no copy of our pipe (it redirects to the log file),
        // so reading to end-of-file after exit cannot hang.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        return Outcome(status: status, output: String(decoding: data, as: UTF8.self))
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A soukd started for the benchmark: its own data folder, free ports, TLS or plaintext, the TestService only.
///
/// soukd's output goes to a log file in the data folder (nothing has to drain a pipe while the load runs); the
/// ready banner is read from there.
package final class ServerProcess: Sendable {
    /// Where the server listens and how to trust it.
    package let endpoint: ServerEndpoint
    /// The server's process, for CPU and memory readings.
    package let process: ProcessCPU
    private let pid: pid_t
    private let folder: String

    private init(endpoint: ServerEndpoint, pid: pid_t, folder: String) {
        self.endpoint = endpoint
        self.pid = pid
        self.process = ProcessCPU(pid: pid)
        self.folder = folder
    }

    /// Starts `soukd` and waits (up to two minutes: the embedded PostgreSQL starts first) until it is ready.
    package static func start(soukd: String, tls: Bool) async throws -> ServerProcess {
        guard FileManager.default.isExecutableFile(atPath: soukd) else {
            throw BenchError.server(
                "no soukd at \(soukd); build it (swift build -c release --product soukd) or pass --soukd"
            )
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("souk-bench-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let log = "\(folder)/soukd.log"
        var arguments = [
            soukd, "serve", "--services", "testing", "--swp-port", "0", "--grpc-port", "0", "--no-bridge",
            "--data-folder", folder, "--log-level", "warning",
        ]
        if !tls { arguments.append("--plaintext") }
        let pid = try Self.spawn(arguments, log: log)

        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let endpoint = ServerEndpoint(banner: text) {
                return ServerProcess(endpoint: endpoint, pid: pid, folder: folder)
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw BenchError.server("soukd exited before it was ready:\n\(text.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(pid, SIGKILL)
        throw BenchError.server("soukd was not ready after 120 s; its log is \(log)")
    }

    /// Stops the server (SIGTERM, then SIGKILL after 30 s) and removes its data folder.
    package func stop() async {
        kill(self.pid, SIGTERM)
        var status: Int32 = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while waitpid(self.pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline {
                kill(self.pid, SIGKILL)
                _ = waitpid(self.pid, &status, 0)
                break
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        try? FileManager.default.removeItem(atPath: self.folder)
    }

    private static func spawn(_ argv: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard result == 0 else {
            throw BenchError.server("cannot start \(argv[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }
}

/// Where a soukd's SWP and gRPC listeners are, and the CA its certificate is signed by (nil for plaintext).
package struct ServerEndpoint: Sendable, Hashable {
    package var host: String
    package var swpPort: Int
    package var grpcPort: Int
    package var certificateAuthority: String?

    package init(host: String, swpPort: Int, grpcPort: Int, certificateAuthority: String?) {
        self.host = host
        self.swpPort = swpPort
        self.grpcPort = grpcPort
        self.certificateAuthority = certificateAuthority
    }

    /// Whether the endpoint uses TLS.
    package var tls: Bool { self.certificateAuthority != nil }

    /// Reads soukd's ready banner: `soukd ready: swp H:P grpc H:P (TLS)` and `  clients trust PATH`.
    package init?(banner: String) {
        let lines = banner.split(separator: "\n")
        guard let ready = lines.first(where: { $0.hasPrefix("soukd ready: swp ") }) else { return nil }
        let words = ready.split(separator: " ")
        guard words.count >= 7, words[4] == "grpc",
            let swp = words[3].split(separator: ":").last.flatMap({ Int($0) }),
            let grpc = words[5].split(separator: ":").last.flatMap({ Int($0) })
        else { return nil }
        let host = String(words[3].split(separator: ":").dropLast().joined(separator: ":"))
        var authority: String? = nil
        if words[6] == "(TLS)" {
            guard let trust = lines.first(where: { $0.hasPrefix("  clients trust ") }) else { return nil }
            authority = String(trust.dropFirst("  clients trust ".count))
        }
        self.init(host: host, swpPort: swp, grpcPort: grpc, certificateAuthority: authority)
    }
}

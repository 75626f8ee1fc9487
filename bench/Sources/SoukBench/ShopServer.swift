import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A soukd started for the shop benchmark: the catalog, identity and payments services over TLS (payments in the
/// sandbox: the local providers, as no keys are given), on its embedded
/// PostgreSQL in a temporary data folder, with a first admin bootstrapped before it serves.
///
/// Unlike ``ServerProcess`` (the TestService only), this one needs `bootstrap-admin` to run on the data folder
/// first, and tells where the embedded cluster's socket is, so pgbench can load the same PostgreSQL.
/// A ``Launch`` chooses other services or an external PostgreSQL; ``kill()`` and ``restart()`` (in
/// `ShopServer+Restart.swift`) end soukd abruptly and start it again on the same ports and data.
package final class ShopServer: Sendable {
    /// Where the server listens and the CA its certificate is signed by; a restart keeps the ports.
    package let endpoint: ServerEndpoint
    /// The cluster's socket: the embedded one, or the external database's.
    package let cluster: ClusterSocket
    /// The bootstrapped admin's email and one-time password.
    package let admin: (email: String, oneTimePassword: String)
    /// The temporary data folder (removed by ``stop()``); pgbench's logs go here too.
    package let folder: String
    let soukd: String
    let launch: Launch
    /// The running soukd's process id and how many times soukd was started.
    let running: Mutex<(pid: pid_t, starts: Int)>

    private init(
        soukd: String,
        launch: Launch,
        endpoint: ServerEndpoint,
        cluster: ClusterSocket,
        admin: (email: String, oneTimePassword: String),
        folder: String,
        pid: pid_t
    ) {
        self.soukd = soukd
        self.launch = launch
        self.endpoint = endpoint
        self.cluster = cluster
        self.admin = admin
        self.folder = folder
        self.running = Mutex((pid, 1))
    }

    /// The server's current process, for CPU and memory readings (a new one after each restart).
    package var process: ProcessCPU { ProcessCPU(pid: self.running.withLock { $0.pid }) }

    /// The services the shop runs on.
    package static let services = "catalog,identity,payments"

    /// What soukd hosts and which PostgreSQL it uses.
    package struct Launch: Sendable, Hashable {
        /// `--services`.
        package var services: String
        /// An external PostgreSQL (`--database-url`) and its socket; nil runs on the embedded cluster.
        package var database: ExternalDatabase?

        package init(services: String, database: ExternalDatabase? = nil) {
            self.services = services
            self.database = database
        }

        /// The shop benchmark's: ``ShopServer/services`` on the embedded cluster.
        package static var shop: Launch { Launch(services: ShopServer.services) }
    }

    /// A PostgreSQL server soukd is pointed at instead of its embedded cluster.
    package struct ExternalDatabase: Sendable, Hashable {
        /// The URL soukd gets as `--database-url`.
        package var url: String
        /// Where the server listens, for psql and pgbench.
        package var socket: ClusterSocket

        package init(url: String, socket: ClusterSocket) {
            self.url = url
            self.socket = socket
        }
    }

    /// Bootstraps the admin, starts `soukd serve`, and waits (up to two minutes) until it is ready.
    ///
    /// soukd gets the bench's environment without `DATABASE_URL` and `SOUK_*`, so it uses the embedded cluster in
    /// the temporary folder unless `launch` names an external database.
    /// - Throws: ``BenchError/server(_:)`` with the cause; the folder is removed again.
    package static func start(
        soukd: String,
        adminEmail: String,
        launch: Launch = .shop
    ) async throws -> ShopServer {
        guard FileManager.default.isExecutableFile(atPath: soukd) else {
            throw BenchError.server(
                "no soukd at \(soukd); build it (swift build -c release --product soukd) or pass --soukd"
            )
        }
        // Short, so the cluster's socket fits in its own folder (a socket path holds at most 107 bytes).
        let folder = "/tmp/souk-shop-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(
            atPath: folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755]
        )
        do {
            let options = Self.options(launch, folder: folder)
            let password = try await Self.bootstrap(soukd, adminEmail, options, log: "\(folder)/bootstrap.log")
            let log = "\(folder)/soukd.log"
            let pid = try Self.spawnServe(soukd, options, ports: (0, 0), log: log)
            do {
                let endpoint = try await Self.waitReady(pid: pid, log: log)
                let cluster: ClusterSocket
                if let database = launch.database {
                    cluster = database.socket
                } else {
                    let pidFile = (try? String(contentsOfFile: "\(folder)/pg/postmaster.pid", encoding: .utf8)) ?? ""
                    guard let socket = ClusterSocket(postmasterPID: pidFile, user: "souk") else {
                        throw BenchError.server(
                            "cannot find the embedded cluster's socket in \(folder)/pg/postmaster.pid"
                        )
                    }
                    cluster = socket
                }
                return ShopServer(
                    soukd: soukd,
                    launch: launch,
                    endpoint: endpoint,
                    cluster: cluster,
                    admin: (adminEmail, password),
                    folder: folder,
                    pid: pid
                )
            } catch {
                await ChildProcess.terminate(pid)
                throw error
            }
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
    }

    /// Stops the server (SIGTERM, then SIGKILL after 30 s; soukd stops its PostgreSQL) and removes the folder.
    package func stop() async {
        await ChildProcess.terminate(self.running.withLock { $0.pid })
        try? FileManager.default.removeItem(atPath: self.folder)
    }

    /// The options `bootstrap-admin` and `serve` share.
    static func options(_ launch: Launch, folder: String) -> [String] {
        var options = ["--services", launch.services, "--data-folder", folder, "--log-level", "warning"]
        if let database = launch.database { options += ["--database-url", database.url] }
        return options
    }

    /// Starts `soukd serve` on `ports` (0 picks a free one) with its output in `log`.
    static func spawnServe(
        _ soukd: String,
        _ options: [String],
        ports: (swp: Int, grpc: Int),
        log: String
    ) throws
        -> pid_t
    {
        try ChildProcess.spawn(
            [soukd, "serve", "--swp-port", "\(ports.swp)", "--grpc-port", "\(ports.grpc)", "--no-bridge"] + options,
            log: log,
            environment: Self.environment
        )
    }

    /// `soukd bootstrap-admin`: the one-time password is the line after the one announcing it.
    private static func bootstrap(
        _ soukd: String,
        _ email: String,
        _ options: [String],
        log: String
    ) async throws -> String {
        let outcome = try await ChildProcess.run(
            [soukd, "bootstrap-admin", "--email", email] + options,
            log: log,
            environment: Self.environment,
            timeout: .seconds(120)
        )
        let lines = outcome.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard outcome.status == 0, let announced = lines.firstIndex(where: { $0.contains("one-time password") }),
            announced + 1 < lines.count, !lines[announced + 1].isEmpty
        else {
            let tail = lines.suffix(3).joined(separator: " / ")
            throw BenchError.server("soukd bootstrap-admin failed (exit status \(outcome.status)): \(tail)")
        }
        return lines[announced + 1]
    }

    static func waitReady(pid: pid_t, log: String) async throws -> ServerEndpoint {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            // The banner is written at once; its last line names the database.
            if text.contains("\n  database: "), let endpoint = ServerEndpoint(banner: text) { return endpoint }
            if ChildProcess.hasExited(pid) {
                let tail = text.split(separator: "\n").suffix(3).joined(separator: " / ")
                throw BenchError.server("soukd exited before it was ready: \(tail)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError.server("soukd was not ready after 120 s; its log is \(log)")
    }

    /// This environment without `DATABASE_URL` and `SOUK_*`: soukd must use its embedded cluster.
    private static var environment: [String] {
        ProcessInfo.processInfo.environment
            .filter { key, _ in key != "DATABASE_URL" && !key.hasPrefix("SOUK_") }
            .map { "\($0.key)=\($0.value)" }
    }
}

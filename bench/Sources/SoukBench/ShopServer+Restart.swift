import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension ShopServer {
    /// Ends soukd with SIGKILL, as a crash would: no drain, no clean shutdown of its database connections.
    ///
    /// On the embedded cluster PostgreSQL keeps running; the next ``restart()`` adopts it.
    package func kill() async {
        let pid = self.running.withLock { $0.pid }
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    /// Starts soukd again on the same data folder, database and ports, and waits until it is ready.
    ///
    /// Each start logs to a file of its own in the folder (`soukd-2.log`, …).
    /// - Returns: how long soukd took to become ready.
    /// - Throws: ``BenchError/server(_:)`` if it does not come up on the same ports within two minutes.
    @discardableResult
    package func restart() async throws -> Duration {
        let started = ContinuousClock.now
        let start = self.running.withLock { $0.starts } + 1
        let log = "\(self.folder)/soukd-\(start).log"
        let pid = try Self.spawnServe(
            self.soukd,
            Self.options(self.launch, folder: self.folder),
            ports: (self.endpoint.swpPort, self.endpoint.grpcPort),
            log: log
        )
        self.running.withLock { $0 = (pid, start) }
        let endpoint = try await Self.waitReady(pid: pid, log: log)
        guard endpoint.swpPort == self.endpoint.swpPort, endpoint.grpcPort == self.endpoint.grpcPort else {
            throw BenchError.server(
                "soukd came back on other ports (swp \(endpoint.swpPort), grpc \(endpoint.grpcPort)); its log is \(log)"
            )
        }
        return ContinuousClock.now - started
    }
}

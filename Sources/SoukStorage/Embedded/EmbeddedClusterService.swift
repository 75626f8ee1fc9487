package import Logging
import ServiceLifecycle

/// Keeps an already started ``EmbeddedCluster`` running for the life of a `ServiceGroup` and, when this process
/// owns the server, stops it at the end.
///
/// Put it first in the group: services shut down in reverse order, so the cluster stops after every
/// service that uses the database has finished.
package struct EmbeddedClusterService: Service {
    private let cluster: EmbeddedCluster
    private let lease: ClusterLease
    private let logger: Logger

    /// Wraps `cluster`, which the caller has started and got `lease` for.
    package init(cluster: EmbeddedCluster, lease: ClusterLease, logger: Logger) {
        self.cluster = cluster
        self.lease = lease
        self.logger = logger
    }

    package func run() async throws {
        // Wait for graceful shutdown (or cancellation); either way the cluster must be released.
        try? await gracefulShutdown()
        // In a task of its own, so a group that escalates its shutdown to cancellation cannot cut the stop short.
        let (cluster, lease) = (self.cluster, self.lease)
        do {
            try await Task { try await cluster.release(lease) }.value
        } catch {
            self.logger.error("stopping PostgreSQL failed", metadata: ["error": "\(error)"])
            throw error
        }
    }
}

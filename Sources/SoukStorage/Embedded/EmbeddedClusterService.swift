package import Logging
import ServiceLifecycle

/// Keeps an already started ``EmbeddedCluster`` running for the life of a `ServiceGroup` and stops it at the end.
///
/// Put it first in the group: services shut down in reverse order, so the cluster stops after every
/// service that uses the database has finished.
package struct EmbeddedClusterService: Service {
    private let cluster: EmbeddedCluster
    private let logger: Logger

    /// Wraps `cluster`, which the caller has started.
    package init(cluster: EmbeddedCluster, logger: Logger) {
        self.cluster = cluster
        self.logger = logger
    }

    package func run() async throws {
        // Wait for graceful shutdown (or cancellation); either way the cluster must be stopped.
        try? await gracefulShutdown()
        do {
            try await self.cluster.stop()
        } catch {
            self.logger.error("stopping PostgreSQL failed", metadata: ["error": "\(error)"])
            throw error
        }
    }
}

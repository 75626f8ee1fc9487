import Foundation

/// One user's hold on an ``EmbeddedCluster``'s server, returned by ``EmbeddedCluster/start()`` and handed back to
/// ``EmbeddedCluster/release(_:)``.
///
/// Only the owner stops the server: a command that joined a server another soukd started leaves it running, or
/// it would take the database away from that process. An owner that finishes while a guest still uses the server
/// hands it over to that guest instead.
package struct ClusterLease: Sendable, Hashable {
    /// Tells this lease apart from other users of the cluster, in this process or another.
    package let id: String
    /// Whether this lease started (or adopted) the server, rather than joining one another soukd owns.
    package let ownsServer: Bool

    /// A new lease, with a fresh id.
    init(ownsServer: Bool) {
        self.id = UUID().uuidString
        self.ownsServer = ownsServer
    }
}

package import Hummingbird
package import NIOCore

/// The bridge's request context: Hummingbird's core storage and the address of the peer that sent the request.
///
/// A provider's webhook carries its sender's address to the payments service, which checks it against the
/// provider's allow-list when one is configured. It is the TCP peer: a proxy in front of the bridge is that peer.
package struct BridgeRequestContext: RequestContext, RemoteAddressRequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The connection's remote address; nil when the channel has none (a test channel).
    package let remoteAddress: SocketAddress?

    /// The context of a request arriving on `source`'s channel.
    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}

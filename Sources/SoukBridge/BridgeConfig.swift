/// The bridge's limits.
package struct BridgeConfig: Sendable, Hashable {
    /// The largest request body accepted; a larger one is refused with resource_exhausted.
    package var maxBodyBytes: Int

    /// Creates a configuration.
    package init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    /// 1 MiB bodies.
    package static var defaults: Self { Self(maxBodyBytes: 1 << 20) }
}

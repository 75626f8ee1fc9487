/// What a host reports once it accepts calls.
package struct ReadyInfo: Sendable, Hashable {
    /// The SWP listener, as `host:port` with the port actually bound.
    package var swpAddress: String
    /// The bound SWP port.
    package var swpPort: Int
    /// The gRPC/HTTP2 listener, as `host:port` with the port actually bound.
    package var grpcAddress: String
    /// The bound gRPC port.
    package var grpcPort: Int
    /// Whether the RPC ports use TLS.
    package var isTLS: Bool
    /// The CA certificate clients should trust, when the development CA is in use.
    package var certificateAuthorityPath: String?
    /// The services hosted.
    package var services: [ServiceName]
    /// How many times this database has started a host, this start included.
    package var startCount: Int
    /// The database in use, with any password masked.
    package var database: String
    /// The metrics endpoint's URL with the port actually bound, or nil when metrics are off.
    package var metricsAddress: String? = nil
}

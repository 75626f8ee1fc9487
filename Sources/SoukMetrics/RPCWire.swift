/// The wire a call arrived on: the `wire` label of every RPC metric.
package enum RPCWire: String, Sendable, Hashable, CaseIterable {
    /// SWP/1, Souk's own wire.
    case swp
    /// gRPC over HTTP/2.
    case grpc
    /// GRPCCore's in-process transport: calls between co-hosted domains and the host's own callers.
    case inProcess = "inprocess"
}

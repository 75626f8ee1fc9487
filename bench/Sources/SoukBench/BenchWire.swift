/// What carries a scenario's calls: one of the Swift client's wires, the C client, or the floor.
package enum BenchWire: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// SWP/1 through `SoukClient` against soukd.
    case swp
    /// gRPC over HTTP/2 (grpc-swift-nio-transport) against the same soukd.
    case http2
    /// GRPCCore's in-process transport, client and TestService in the bench process: the ceiling of any
    /// transport under GRPCCore.
    case inProcess = "in-process"
    /// SWP/1 driven by the C client's load mode (`clients/c/swp-call load`) against the same soukd.
    case swpC = "swp-c"
    /// Length-prefixed echo over a plain socket (or TLS) in C, no RPC at all: what the machine can do.
    case floor

    /// Whether the wire runs the call kind at all.
    package func supports(_ scenario: Scenario) -> Bool {
        switch self {
        case .swp, .http2, .inProcess:
            return true
        case .swpC:
            return scenario.call != .clientStreaming && !scenario.compression
        case .floor:
            return scenario.call == .unary && !scenario.compression
        }
    }

    /// The wires in run order (the A/B interleaving within a round follows it).
    package static func < (lhs: Self, rhs: Self) -> Bool {
        Self.allCases.firstIndex(of: lhs)! < Self.allCases.firstIndex(of: rhs)!
    }

    /// How the wire is named in tables and charts.
    package var label: String {
        switch self {
        case .swp: "SWP"
        case .http2: "gRPC/HTTP2"
        case .inProcess: "in-process"
        case .swpC: "SWP (C client)"
        case .floor: "C floor"
        }
    }
}

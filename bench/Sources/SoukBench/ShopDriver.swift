/// Which client drives a shop operation's closed loop.
package enum ShopDriver: String, Sendable, Hashable, Codable, CaseIterable {
    /// The Swift client (`SoukClient` over SWP) in souk-bench's own process; it checks every answer's content.
    case swift = "swift-client"
    /// The C client's load mode (`swp-call load --method raw`) in a process of its own, sending requests the bench
    /// encoded from the fixture: soukd's cost without the Swift client's. It checks that each call ends OK with one
    /// response message, not what the message says.
    case c = "c-client"

    /// The operations this client drives: the C client only the unary reads, which need no per-worker state.
    package var operations: [ShopOperation] {
        switch self {
        case .swift: ShopOperation.allCases
        case .c: [.lookup, .search]
        }
    }

    /// How an operation driven by this client is named: the Swift client's rows keep their plain names.
    package func label(_ operation: ShopOperation) -> String {
        switch self {
        case .swift: operation.label
        case .c: "\(operation.label), C client"
        }
    }
}

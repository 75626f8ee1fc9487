/// The numbered client cases: each a scripted misbehaving server (or a healthy one with a quirk the spec allows)
/// and what PROTOCOL.md says a client does about it. `swp-conformance serve` plays them; SoukClient's tests and
/// `scripts/test-c-conformance` run a client against them.
package enum ClientSuite {
    /// gRPC status codes the cases expect (§11).
    package enum Code {
        /// OK.
        package static let ok: UInt32 = 0
        /// DEADLINE_EXCEEDED.
        package static let deadlineExceeded: UInt32 = 4
        /// RESOURCE_EXHAUSTED.
        package static let resourceExhausted: UInt32 = 8
        /// INTERNAL.
        package static let `internal`: UInt32 = 13
        /// UNAVAILABLE.
        package static let unavailable: UInt32 = 14
    }

    /// Every client case, in order of section.
    package static let all: [ClientCase] = Self.handshake + Self.frames + Self.streams + Self.errors

    /// The case with this id.
    package static func named(_ id: String) -> ClientCase? {
        Self.all.first { $0.id == id }
    }
}

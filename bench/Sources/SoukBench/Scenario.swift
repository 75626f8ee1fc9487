/// One cell of the benchmark matrix: which call, how many in flight over how many connections, and the
/// connection's security and compression.
package struct Scenario: Sendable, Hashable, Codable {
    /// The `souk.testing.v1.TestService` call a scenario drives.
    package enum Call: String, Sendable, Hashable, Codable, CaseIterable {
        /// `Echo`: one payload out, the same payload back.
        case unary
        /// `StreamBytes`: one request, a stream of payloads back, read as fast as they come.
        case serverStreaming = "server-streaming"
        /// `StreamingInputCall`: a stream of payloads out, one aggregate answer back.
        case clientStreaming = "client-streaming"
    }

    /// The call driven.
    package var call: Call
    /// Bytes of each payload.
    package var payloadBytes: Int
    /// Calls kept in flight at all times (closed loop).
    package var inFlight: Int
    /// Connections the calls are spread over (round robin).
    package var connections: Int
    /// Whether the connection uses TLS 1.3.
    package var tls: Bool
    /// Whether messages are compressed: zstd on SWP, gzip on gRPC/HTTP2 (which has no zstd).
    package var compression: Bool

    /// Creates a scenario.
    package init(
        call: Call,
        payloadBytes: Int,
        inFlight: Int,
        connections: Int = 1,
        tls: Bool = true,
        compression: Bool = false
    ) {
        self.call = call
        self.payloadBytes = payloadBytes
        self.inFlight = inFlight
        self.connections = connections
        self.tls = tls
        self.compression = compression
    }

    /// Messages per streaming call: long enough that per-call overhead is small, short enough that a
    /// measurement window holds many calls.
    package var messagesPerCall: Int {
        switch self.call {
        case .unary: 1
        case .serverStreaming: self.payloadBytes <= 1024 ? 1_000 : 100
        case .clientStreaming: 100
        }
    }

    /// A short unique label, e.g. `unary 64 B ×64 tls`.
    package var name: String {
        var parts = ["\(self.call.rawValue) \(ByteCount.describe(self.payloadBytes)) ×\(self.inFlight)"]
        if self.connections > 1 { parts.append("\(self.connections) conns") }
        parts.append(self.tls ? "tls" : "plain")
        if self.compression { parts.append("compressed") }
        return parts.joined(separator: " ")
    }
}

extension Scenario {
    /// The full matrix: the unary 64 B concurrency sweep the chart is drawn from, larger payloads, streaming
    /// both ways, TLS off for its cost, and compression on where payloads are big enough to compress.
    package static let fullMatrix: [Scenario] = {
        var scenarios: [Scenario] = []
        for inFlight in [1, 16, 64, 256] {
            scenarios.append(Scenario(call: .unary, payloadBytes: 64, inFlight: inFlight))
        }
        scenarios.append(Scenario(call: .unary, payloadBytes: 64, inFlight: 64, connections: 4))
        for inFlight in [1, 64] {
            scenarios.append(Scenario(call: .unary, payloadBytes: 4096, inFlight: inFlight))
        }
        for inFlight in [1, 16] {
            scenarios.append(Scenario(call: .unary, payloadBytes: 256 * 1024, inFlight: inFlight))
        }
        for inFlight in [1, 64] {
            scenarios.append(Scenario(call: .unary, payloadBytes: 64, inFlight: inFlight, tls: false))
        }
        scenarios.append(Scenario(call: .unary, payloadBytes: 4096, inFlight: 64, compression: true))
        scenarios.append(Scenario(call: .unary, payloadBytes: 256 * 1024, inFlight: 16, compression: true))
        for inFlight in [1, 16] {
            scenarios.append(Scenario(call: .serverStreaming, payloadBytes: 64, inFlight: inFlight))
        }
        scenarios.append(Scenario(call: .serverStreaming, payloadBytes: 64, inFlight: 16, tls: false))
        scenarios.append(Scenario(call: .serverStreaming, payloadBytes: 4096, inFlight: 1))
        for inFlight in [1, 16] {
            scenarios.append(Scenario(call: .clientStreaming, payloadBytes: 64, inFlight: inFlight))
        }
        return scenarios
    }()

    /// The CI smoke matrix: one of each call kind, both securities and compression, so every path runs once.
    package static let quickMatrix: [Scenario] = [
        Scenario(call: .unary, payloadBytes: 64, inFlight: 1),
        Scenario(call: .unary, payloadBytes: 64, inFlight: 16),
        Scenario(call: .unary, payloadBytes: 64, inFlight: 16, tls: false),
        Scenario(call: .unary, payloadBytes: 4096, inFlight: 4, compression: true),
        Scenario(call: .serverStreaming, payloadBytes: 64, inFlight: 1),
        Scenario(call: .clientStreaming, payloadBytes: 64, inFlight: 2),
    ]
}

/// Human-readable byte counts for labels: `64 B`, `4 KiB`, `256 KiB`.
package enum ByteCount {
    /// Describes `bytes` with the largest binary unit that divides it.
    package static func describe(_ bytes: Int) -> String {
        if bytes >= 1024 * 1024, bytes % (1024 * 1024) == 0 { return "\(bytes / (1024 * 1024)) MiB" }
        if bytes >= 1024, bytes % 1024 == 0 { return "\(bytes / 1024) KiB" }
        return "\(bytes) B"
    }
}

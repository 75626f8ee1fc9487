/// What one wire did in one scenario, summed over the rounds it ran.
package struct WireResult: Sendable, Codable, Hashable {
    /// The scenario measured.
    package var scenario: Scenario
    /// The wire measured.
    package var wire: BenchWire
    /// Calls completed inside the measurement windows.
    package var calls: Int
    /// Messages carried in the call's streaming direction (equal to `calls` for unary).
    package var messages: Int
    /// Payload bytes carried in that direction.
    package var payloadBytes: Int
    /// Length of the measurement windows, summed, in seconds.
    package var seconds: Double
    /// Latency percentiles of a whole call, in microseconds.
    package var latency: LatencyPercentiles
    /// Client CPU seconds (user + system) per call for unary calls, per message for streams; nil when not
    /// measured.
    package var clientCPUPerCall: Double?
    /// Server CPU seconds per call (unary) or message (streams), or nil when the server shares the client's
    /// process.
    package var serverCPUPerCall: Double?
    /// The server process's peak resident memory in bytes when this scenario ended, if measured.
    package var serverPeakMemoryBytes: Int?

    /// Calls per second.
    package var callsPerSecond: Double { self.seconds > 0 ? Double(self.calls) / self.seconds : 0 }
    /// Messages per second.
    package var messagesPerSecond: Double { self.seconds > 0 ? Double(self.messages) / self.seconds : 0 }
    /// Payload megabytes (10^6 bytes) per second.
    package var megabytesPerSecond: Double {
        self.seconds > 0 ? Double(self.payloadBytes) / self.seconds / 1_000_000 : 0
    }

    /// The scenario's headline rate: calls per second for unary, messages per second for streams.
    package var rate: Double {
        self.scenario.call == .unary ? self.callsPerSecond : self.messagesPerSecond
    }

    enum CodingKeys: String, CodingKey {
        case scenario, wire, calls, messages, payloadBytes, seconds, latency
        case clientCPUPerCall, serverCPUPerCall, serverPeakMemoryBytes
        case callsPerSecond, messagesPerSecond, megabytesPerSecond
    }

    package init(
        scenario: Scenario,
        wire: BenchWire,
        calls: Int,
        messages: Int,
        payloadBytes: Int,
        seconds: Double,
        latency: LatencyPercentiles,
        clientCPUPerCall: Double?,
        serverCPUPerCall: Double?,
        serverPeakMemoryBytes: Int?
    ) {
        self.scenario = scenario
        self.wire = wire
        self.calls = calls
        self.messages = messages
        self.payloadBytes = payloadBytes
        self.seconds = seconds
        self.latency = latency
        self.clientCPUPerCall = clientCPUPerCall
        self.serverCPUPerCall = serverCPUPerCall
        self.serverPeakMemoryBytes = serverPeakMemoryBytes
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.scenario = try container.decode(Scenario.self, forKey: .scenario)
        self.wire = try container.decode(BenchWire.self, forKey: .wire)
        self.calls = try container.decode(Int.self, forKey: .calls)
        self.messages = try container.decode(Int.self, forKey: .messages)
        self.payloadBytes = try container.decode(Int.self, forKey: .payloadBytes)
        self.seconds = try container.decode(Double.self, forKey: .seconds)
        self.latency = try container.decode(LatencyPercentiles.self, forKey: .latency)
        self.clientCPUPerCall = try container.decodeIfPresent(Double.self, forKey: .clientCPUPerCall)
        self.serverCPUPerCall = try container.decodeIfPresent(Double.self, forKey: .serverCPUPerCall)
        self.serverPeakMemoryBytes = try container.decodeIfPresent(Int.self, forKey: .serverPeakMemoryBytes)
    }

    /// Encodes the measured fields and the derived rates, so the JSON can be read without recomputing.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.scenario, forKey: .scenario)
        try container.encode(self.wire, forKey: .wire)
        try container.encode(self.calls, forKey: .calls)
        try container.encode(self.messages, forKey: .messages)
        try container.encode(self.payloadBytes, forKey: .payloadBytes)
        try container.encode(self.seconds, forKey: .seconds)
        try container.encode(self.latency, forKey: .latency)
        try container.encodeIfPresent(self.clientCPUPerCall, forKey: .clientCPUPerCall)
        try container.encodeIfPresent(self.serverCPUPerCall, forKey: .serverCPUPerCall)
        try container.encodeIfPresent(self.serverPeakMemoryBytes, forKey: .serverPeakMemoryBytes)
        try container.encode(self.callsPerSecond, forKey: .callsPerSecond)
        try container.encode(self.messagesPerSecond, forKey: .messagesPerSecond)
        try container.encode(self.megabytesPerSecond, forKey: .megabytesPerSecond)
    }
}

/// Latency percentiles in microseconds.
package struct LatencyPercentiles: Sendable, Codable, Hashable {
    package var p50: Double
    package var p90: Double
    package var p99: Double
    package var p999: Double

    package init(p50: Double, p90: Double, p99: Double, p999: Double) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p999 = p999
    }
}

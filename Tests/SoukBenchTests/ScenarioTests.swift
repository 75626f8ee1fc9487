import SoukBench
import Testing

@Suite("Scenario matrix")
struct ScenarioTests {
    @Test("names are unique, so results can be told apart")
    func uniqueNames() {
        for matrix in [Scenario.fullMatrix, Scenario.quickMatrix] {
            #expect(Set(matrix.map(\.name)).count == matrix.count)
        }
    }

    @Test("the full matrix holds every scenario a target is checked against")
    func targetsAreCovered() {
        let needed = [
            Scenario(call: .unary, payloadBytes: 64, inFlight: 1),
            Scenario(call: .unary, payloadBytes: 64, inFlight: 64),
            Scenario(call: .unary, payloadBytes: 64, inFlight: 64, tls: false),
        ]
        for scenario in needed { #expect(Scenario.fullMatrix.contains(scenario), "\(scenario.name)") }
        #expect(Scenario.fullMatrix.contains { $0.call == .serverStreaming && $0.payloadBytes == 64 && $0.tls })
    }

    @Test("the C programs run only what they implement")
    func wireSupport() {
        let clientStream = Scenario(call: .clientStreaming, payloadBytes: 64, inFlight: 1)
        let compressed = Scenario(call: .unary, payloadBytes: 4096, inFlight: 1, compression: true)
        let stream = Scenario(call: .serverStreaming, payloadBytes: 64, inFlight: 1)
        #expect(!BenchWire.swpC.supports(clientStream))
        #expect(!BenchWire.swpC.supports(compressed))
        #expect(BenchWire.swpC.supports(stream))
        #expect(!BenchWire.floor.supports(stream))
        #expect(BenchWire.allCases.filter { $0 != .swpC && $0 != .floor }.allSatisfy { $0.supports(clientStream) })
    }

    @Test("payloads are deterministic, of the asked size, and compressible text")
    func payloads() {
        for size in [0, 1, 64, 4096, 256 * 1024] {
            let bytes = BenchPayload.bytes(count: size)
            #expect(bytes.count == size)
            #expect(bytes == BenchPayload.bytes(count: size))
        }
        let large = BenchPayload.bytes(count: 4096)
        #expect(Set(large).count > 20, "varied enough not to compress like zeros")
        #expect(large.allSatisfy { $0 >= 0x20 && $0 < 0x7f }, "printable text")
    }
}

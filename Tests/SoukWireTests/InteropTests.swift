import GRPCCore
import SoukAPI
import Testing

/// The interop cases over SWP and over gRPC/HTTP2, with the same test code.
@Suite("gRPC interop cases over both wires", .timeLimit(.minutes(1)))
struct InteropTests {
    @Test("over SWP/1 with TLS, the methods called directly (SWPServer)", arguments: InteropCase.allCases)
    func swp(testCase: InteropCase) async throws {
        try await withSWPClient { client in try await testCase.run(client) }
    }

    @Test("over SWP/1 with TLS through GRPCCore's GRPCServer", arguments: InteropCase.allCases)
    func swpThroughGRPCServer(testCase: InteropCase) async throws {
        try await withSWPClient(serving: .grpcCore) { client in try await testCase.run(client) }
    }

    @Test("over gRPC/HTTP2 with TLS", arguments: InteropCase.allCases)
    func http2(testCase: InteropCase) async throws {
        try await withHTTP2Client { client in try await testCase.run(client) }
    }
}

import Foundation
import GRPCCore
import SoukAPI
import SoukWire
import Testing

/// A head or trailers too large for the peer fail their own call, never the connection the other calls share
/// (PROTOCOL.md §5.2, §16.1): a sender never emits one over the peer's MAX_HEADER_SIZE.
@Suite("Oversized heads and trailers", .timeLimit(.minutes(1)))
struct OversizedHeadTests {
    /// Runs `during` while a bidirectional call on the same connection is open (it has answered once), then checks
    /// that call still answers: the connection it shares was not ended.
    static func whileAnotherCallIsOpen(
        _ test: Souk_Testing_V1_TestService.Client<SWPClientTransport>,
        during: @escaping @Sendable () async throws -> Void
    ) async throws {
        let (turns, turn) = AsyncStream<Void>.makeStream()
        turn.yield()
        let answered = try await test.fullDuplexCall { writer in
            var count = 0
            for await _ in turns {
                count += 1
                if count == 2 { try await during() }
                var request = Souk_Testing_V1_StreamingOutputCallRequest()
                var parameters = Souk_Testing_V1_ResponseParameters()
                parameters.size = 8
                request.responseParameters = [parameters]
                try await writer.write(request)
            }
        } onResponse: { response in
            var answered = 0
            for try await _ in response.messages {
                answered += 1
                if answered < 2 { turn.yield() } else { turn.finish() }
            }
            return answered
        }
        #expect(answered == 2)
    }

    @Test(
        "request metadata over the server's MAX_HEADER_SIZE, and over its MAX_FRAME_SIZE, fails RESOURCE_EXHAUSTED naming the limit; the connection's other call goes on"
    )
    func oversizedRequestHead() async throws {
        try await withSWPClient { client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            try await Self.whileAnotherCallIsOpen(test) {
                for size in [20_000, 66_000, 100_000] {
                    var metadata = Metadata()
                    metadata.addString("Bearer " + String(repeating: "a", count: size), forKey: "authorization")
                    let error = await #expect(throws: RPCError.self) {
                        try await test.emptyCall(Souk_Testing_V1_Empty(), metadata: metadata)
                    }
                    #expect(error?.code == .resourceExhausted)
                    #expect(error?.message.contains("16384") == true, "\(error?.message ?? "")")
                }
            }
            _ = try await test.emptyCall(Souk_Testing_V1_Empty())
        }
    }

    @Test(
        "an error message of 100 KB reaches the client cut to its MAX_HEADER_SIZE with its code; initial metadata too large for the client fails that call alone"
    )
    func oversizedResponseHeadAndTrailers() async throws {
        try await withSWPClient(tuning: SWPTuning(clientMaxHeaderSize: 4_096)) { client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            try await Self.whileAnotherCallIsOpen(test) {
                var request = Souk_Testing_V1_SimpleRequest()
                request.responseStatus.code = 3
                request.responseStatus.message = "title: " + String(repeating: "x", count: 100_000)
                let refused = await #expect(throws: RPCError.self) { try await test.unaryCall(request) }
                #expect(refused?.code == .invalidArgument)
                #expect(refused?.message.hasPrefix("title: xxx") == true)
                #expect((refused?.message.utf8.count ?? .max) < 4_096)

                // Within the server's limit going out, too large for the client's coming back.
                var metadata = Metadata()
                metadata.addString(String(repeating: "e", count: 6_000), forKey: "x-grpc-test-echo-initial")
                let tooLarge = await #expect(throws: RPCError.self) {
                    try await test.unaryCall(
                        request: ClientRequest(message: Souk_Testing_V1_SimpleRequest(), metadata: metadata)
                    ) { _ = try $0.message }
                }
                #expect(tooLarge?.code == .resourceExhausted)
                #expect(tooLarge?.message.contains("4096") == true, "\(tooLarge?.message ?? "")")
            }
            _ = try await test.emptyCall(Souk_Testing_V1_Empty())
        }
    }
}

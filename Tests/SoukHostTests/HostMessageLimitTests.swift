import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import SoukAPI
import SoukClient
import Testing

/// A real host's gRPC/HTTP2 listener, over TLS on loopback, against a request message over its 4 MiB receive limit:
/// ``RequestSizeGuard`` answers RESOURCE_EXHAUSTED with a message (grpc-swift-nio-transport alone resets the
/// stream, CANCELLED with none), and other calls on the same connection carry on.
@Suite("Host message limit")
struct HostMessageLimitTests {
    /// The transport's default receive limit, which the host keeps.
    static let limit = 4 << 20
    /// What `Tests/ProcessTests/test_hostile_matrix.py` sends: 64 KiB over.
    static let oversized = (4 << 20) + (64 << 10)

    static func request(size: Int32, body: Int = 0) -> Souk_Testing_V1_StreamingOutputCallRequest {
        var request = Souk_Testing_V1_StreamingOutputCallRequest()
        var parameters = Souk_Testing_V1_ResponseParameters()
        parameters.size = size
        request.responseParameters = [parameters]
        request.payload.body = Data(count: body)
        return request
    }

    static func expectResourceExhausted(_ error: RPCError?) {
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message.contains("exceeds the server's limit of \(Self.limit) bytes") == true, "\(error as Any)")
    }

    @Test("a unary request over the limit is RESOURCE_EXHAUSTED; a stream open beside it keeps working")
    func unaryBesideAStream() async throws {
        try await HostTests.withHost { info, _, folder in
            try await SoukConnection.withHTTP2Connection(to: HostTests.client(info, folder)) { client in
                let test = Souk_Testing_V1_TestService.Client(wrapping: client)
                let (requests, requestQueue) = AsyncStream<Int32>.makeStream()
                let (answered, answeredQueue) = AsyncStream<Int>.makeStream()
                requestQueue.yield(7)
                async let sizes = test.fullDuplexCall { writer in
                    for await size in requests { try await writer.write(Self.request(size: size)) }
                } onResponse: { response in
                    var sizes: [Int] = []
                    for try await message in response.messages {
                        sizes.append(message.payload.body.count)
                        answeredQueue.yield(sizes.count)
                    }
                    return sizes
                }
                // The stream is open and has been answered once before the oversized call starts.
                var answers = answered.makeAsyncIterator()
                #expect(await answers.next() == 1)

                var payload = Souk_Testing_V1_Payload()
                payload.body = Data(count: Self.oversized)
                let error = await #expect(throws: RPCError.self) { try await test.echo(payload) }
                Self.expectResourceExhausted(error)

                requestQueue.yield(9)
                #expect(await answers.next() == 2)
                requestQueue.finish()
                let streamed = try await sizes
                #expect(streamed == [7, 9])

                var small = Souk_Testing_V1_Payload()
                small.body = Data("after".utf8)
                let echoed = try await test.echo(small)
                #expect(echoed.body == small.body)
            }
        }
    }

    @Test("a message over the limit after the response has begun ends the stream RESOURCE_EXHAUSTED")
    func afterResponseHeaders() async throws {
        try await HostTests.withHost { info, _, folder in
            try await SoukConnection.withHTTP2Connection(to: HostTests.client(info, folder)) { client in
                let test = Souk_Testing_V1_TestService.Client(wrapping: client)
                let (requests, requestQueue) = AsyncStream<Int>.makeStream()
                requestQueue.yield(0)
                let error = await #expect(throws: RPCError.self) {
                    try await test.fullDuplexCall { writer in
                        for await body in requests { try await writer.write(Self.request(size: 3, body: body)) }
                    } onResponse: { response in
                        var count = 0
                        for try await _ in response.messages {
                            count += 1
                            // Response HEADERS and one message are out: now a request message over the limit.
                            requestQueue.yield(Self.oversized)
                            requestQueue.finish()
                        }
                        return count
                    }
                }
                Self.expectResourceExhausted(error)

                var small = Souk_Testing_V1_Payload()
                small.body = Data("after".utf8)
                let echoed = try await test.echo(small)
                #expect(echoed.body == small.body)
            }
        }
    }
}

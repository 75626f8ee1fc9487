import Foundation
package import GRPCCore
import SoukAPI

/// Turns a scenario into calls on `souk.testing.v1.TestService` over a set of clients, one per connection.
///
/// Every answer is checked (sizes and counts), so a wire that drops or truncates data fails the run instead of
/// looking fast.
package struct TestServiceDriver<Transport: ClientTransport>: Sendable {
    private let stubs: [Souk_Testing_V1_TestService.Client<Transport>]
    private let scenario: Scenario
    private let options: CallOptions
    private let payload: Souk_Testing_V1_Payload

    /// A driver calling over `clients`, round robin by worker.
    package init(clients: [GRPCClient<Transport>], scenario: Scenario) {
        self.stubs = clients.map { Souk_Testing_V1_TestService.Client(wrapping: $0) }
        self.scenario = scenario
        var options = CallOptions.defaults
        options.timeout = .seconds(60)
        // A call to a server that is not there fails at once instead of waiting to connect.
        options.waitForReady = false
        // GRPCCore cannot name zstd: asking for any algorithm gets zstd on SWP and gzip on HTTP/2.
        options.compression = scenario.compression ? .gzip : CompressionAlgorithm.none
        self.options = options
        var payload = Souk_Testing_V1_Payload()
        payload.body = Data(BenchPayload.bytes(count: scenario.payloadBytes))
        self.payload = payload
    }

    /// Checks that the service answers at all, with a short deadline: the cause of a bad endpoint or certificate
    /// is named before any load starts.
    package func probe() async throws {
        var options = self.options
        options.timeout = .seconds(10)
        for stub in self.stubs {
            _ = try await stub.emptyCall(Souk_Testing_V1_Empty(), options: options)
        }
    }

    /// The call a closed-loop worker makes.
    package var call: BenchCall {
        switch self.scenario.call {
        case .unary: self.unary
        case .serverStreaming: self.serverStreaming
        case .clientStreaming: self.clientStreaming
        }
    }

    private var unary: BenchCall {
        { [stubs, payload, options] worker, counter in
            let reply = try await stubs[worker % stubs.count].echo(payload, options: options)
            guard reply.body.count == payload.body.count else {
                throw BenchError.wrongAnswer("Echo returned \(reply.body.count) bytes for \(payload.body.count)")
            }
            counter.count(messages: 1, bytes: reply.body.count)
        }
    }

    private var serverStreaming: BenchCall {
        { [stubs, scenario, options] worker, counter in
            var request = Souk_Testing_V1_StreamRequest()
            request.count = Int64(scenario.messagesPerCall)
            request.size = Int32(scenario.payloadBytes)
            let expected = scenario.messagesPerCall
            let window = counter.window
            let (counted, received) = try await stubs[worker % stubs.count].streamBytes(request, options: options) {
                response in
                var counted = MessageCounter(window: window)
                var received = 0
                for try await message in response.messages {
                    received += 1
                    counted.count(messages: 1, bytes: message.body.count)
                }
                return (counted, received)
            }
            guard received == expected else {
                throw BenchError.wrongAnswer("StreamBytes sent \(received) messages of \(expected)")
            }
            counter.add(counted)
        }
    }

    private var clientStreaming: BenchCall {
        { [stubs, scenario, payload, options] worker, counter in
            let message: Souk_Testing_V1_StreamingInputCallRequest = {
                var message = Souk_Testing_V1_StreamingInputCallRequest()
                message.payload = payload
                return message
            }()
            let count = scenario.messagesPerCall
            let reply = try await stubs[worker % stubs.count].streamingInputCall(
                options: options,
                requestProducer: { writer in
                    for _ in 0..<count { try await writer.write(message) }
                }
            )
            let expected = count * payload.body.count
            guard reply.aggregatedPayloadSize == expected else {
                throw BenchError.wrongAnswer(
                    "StreamingInputCall counted \(reply.aggregatedPayloadSize) of \(expected) bytes"
                )
            }
            counter.count(messages: count, bytes: expected)
        }
    }
}

/// Payload bytes for the benchmark: product records in JSON with varying numbers, so the compressed scenarios
/// show what compression does to data like the shop's rather than to zeros or noise.
package enum BenchPayload {
    /// `count` bytes of JSON-like records (deterministic: the same count gives the same bytes).
    package static func bytes(count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 128)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var record = 0
        while bytes.count < count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let price = 100 + Int(state >> 40) % 99_900
            let stock = Int(state >> 20) % 500
            let text =
                #"{"sku":"SKU-\#(100_000 + record)","title":"Item \#(record)","#
                + #""price":{"units":\#(price),"currency":"RUB"},"stock":\#(stock)},"#
            bytes.append(contentsOf: text.utf8)
            record += 1
        }
        return Array(bytes.prefix(count))
    }
}

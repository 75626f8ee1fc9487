import Foundation
import GRPCCore
import SoukAPI
import Testing

/// The gRPC interop cases (grpc/grpc doc/interop-test-descriptions.md), written once against any transport.
enum InteropCase: String, CaseIterable, Sendable {
    case emptyUnary = "empty_unary"
    case largeUnary = "large_unary"
    case clientStreaming = "client_streaming"
    case serverStreaming = "server_streaming"
    case pingPong = "ping_pong"
    case emptyStream = "empty_stream"
    case customMetadata = "custom_metadata"
    case statusCodeAndMessage = "status_code_and_message"
    case specialStatusMessage = "special_status_message"
    case unimplementedMethod = "unimplemented_method"
    case unimplementedService = "unimplemented_service"
    case timeoutOnSleepingServer = "timeout_on_sleeping_server"
    case cancelAfterBegin = "cancel_after_begin"
    case cancelAfterFirstResponse = "cancel_after_first_response"
    case clientCompressedUnary = "client_compressed_unary"
    case serverCompressedStreaming = "server_compressed_streaming"

    typealias Service = Souk_Testing_V1_TestService

    func run<Transport: ClientTransport>(_ client: GRPCClient<Transport>) async throws {
        let test = Service.Client(wrapping: client)
        switch self {
        case .emptyUnary:
            let response = try await test.emptyCall(Souk_Testing_V1_Empty())
            #expect(response == Souk_Testing_V1_Empty())

        case .largeUnary:
            var request = Souk_Testing_V1_SimpleRequest()
            request.responseSize = 314_159
            request.payload.body = Data(count: 271_828)
            let response = try await test.unaryCall(request)
            #expect(response.payload.body.count == 314_159)
            #expect(response.requestSize == 271_828)

        case .clientStreaming:
            let response = try await test.streamingInputCall { writer in
                for size in [27_182, 8, 1_828, 45_904] {
                    var message = Souk_Testing_V1_StreamingInputCallRequest()
                    message.payload.body = Data(count: size)
                    try await writer.write(message)
                }
            }
            #expect(response.aggregatedPayloadSize == 74_922)

        case .serverStreaming:
            var request = Souk_Testing_V1_StreamingOutputCallRequest()
            request.responseParameters = [31_415, 9, 2_653, 58_979].map(Self.parameters(size:))
            let sizes = try await test.streamingOutputCall(request) { response in
                var sizes: [Int] = []
                for try await message in response.messages { sizes.append(message.payload.body.count) }
                return sizes
            }
            #expect(sizes == [31_415, 9, 2_653, 58_979])

        case .pingPong:
            let (requests, requestQueue) = AsyncStream<Int32>.makeStream()
            let sizes: [Int32] = [31_415, 9, 2_653, 58_979]
            requestQueue.yield(sizes[0])
            let received = try await test.fullDuplexCall { writer in
                for await size in requests {
                    var request = Souk_Testing_V1_StreamingOutputCallRequest()
                    request.responseParameters = [Self.parameters(size: size)]
                    request.payload.body = Data(count: Int(size))
                    try await writer.write(request)
                }
            } onResponse: { response in
                var received: [Int] = []
                for try await message in response.messages {
                    received.append(message.payload.body.count)
                    // Lock-step: the next request goes out only after the previous response came back.
                    if received.count < sizes.count {
                        requestQueue.yield(sizes[received.count])
                    } else {
                        requestQueue.finish()
                    }
                }
                return received
            }
            #expect(received == sizes.map(Int.init))

        case .emptyStream:
            let count = try await test.fullDuplexCall { _ in
            } onResponse: { response in
                var count = 0
                for try await _ in response.messages { count += 1 }
                return count
            }
            #expect(count == 0)

        case .customMetadata:
            var metadata: Metadata = [:]
            metadata.addString("test_initial_metadata_value", forKey: "x-grpc-test-echo-initial")
            metadata.addBinary([0xAB, 0xAB, 0xAB], forKey: "x-grpc-test-echo-trailing-bin")
            var request = Souk_Testing_V1_SimpleRequest()
            request.responseSize = 314_159
            request.payload.body = Data(count: 271_828)
            let (initial, trailing) = try await test.unaryCall(
                request: ClientRequest(message: request, metadata: metadata)
            ) { response in
                (response.metadata, response.trailingMetadata)
            }
            #expect(Array(initial[stringValues: "x-grpc-test-echo-initial"]) == ["test_initial_metadata_value"])
            #expect(Array(trailing[binaryValues: "x-grpc-test-echo-trailing-bin"]) == [[0xAB, 0xAB, 0xAB]])

            // The same over a bidirectional stream.
            let (streamInitial, streamTrailing) = try await test.fullDuplexCall(
                request: StreamingClientRequest(metadata: metadata) { writer in
                    var message = Souk_Testing_V1_StreamingOutputCallRequest()
                    message.responseParameters = [Self.parameters(size: 314_159)]
                    try await writer.write(message)
                }
            ) { response in
                var trailing: Metadata = [:]
                for try await part in response.bodyParts {
                    if case .trailingMetadata(let metadata) = part { trailing = metadata }
                }
                return (response.metadata, trailing)
            }
            #expect(Array(streamInitial[stringValues: "x-grpc-test-echo-initial"]) == ["test_initial_metadata_value"])
            #expect(Array(streamTrailing[binaryValues: "x-grpc-test-echo-trailing-bin"]) == [[0xAB, 0xAB, 0xAB]])

        case .statusCodeAndMessage:
            try await Self.expectStatus(test, code: 2, message: "test status message")

        case .specialStatusMessage:
            try await Self.expectStatus(
                test,
                code: 2,
                message: "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"
            )

        case .unimplementedMethod:
            let error = await #expect(throws: RPCError.self) {
                try await test.unimplementedCall(Souk_Testing_V1_Empty())
            }
            #expect(error?.code == .unimplemented)

        case .unimplementedService:
            let other = Souk_Testing_V1_UnimplementedService.Client(wrapping: client)
            let error = await #expect(throws: RPCError.self) {
                try await other.unimplementedCall(Souk_Testing_V1_Empty())
            }
            #expect(error?.code == .unimplemented)

        case .timeoutOnSleepingServer:
            var options = CallOptions.defaults
            options.timeout = .milliseconds(1)
            let error = await #expect(throws: RPCError.self) {
                try await test.fullDuplexCall(
                    request: StreamingClientRequest { writer in
                        var message = Souk_Testing_V1_StreamingOutputCallRequest()
                        message.payload.body = Data(count: 27_182)
                        try await writer.write(message)
                        try await Task.sleep(for: .seconds(10))
                    },
                    options: options
                ) { response in
                    for try await _ in response.messages {}
                }
            }
            #expect(error?.code == .deadlineExceeded)

        case .clientCompressedUnary:
            try await Self.clientCompressedUnary(test)

        case .serverCompressedStreaming:
            // A call that asks for compression gets compressed responses, named in the response metadata
            // (gzip over HTTP/2, zstd over SWP); the messages arrive intact and in order.
            var options = CallOptions.defaults
            options.compression = .gzip
            var request = Souk_Testing_V1_StreamingOutputCallRequest()
            request.responseParameters = [31_415, 92_653].map(Self.parameters(size:))
            let (encoding, sizes) = try await test.streamingOutputCall(
                request: ClientRequest(message: request),
                options: options
            ) { response in
                var sizes: [Int] = []
                for try await message in response.messages { sizes.append(message.payload.body.count) }
                return (response.metadata[stringValues: "grpc-encoding"].first(where: { _ in true }), sizes)
            }
            #expect(encoding != nil && encoding != "identity", "response encoding: \(encoding ?? "none")")
            #expect(sizes == [31_415, 92_653])

        case .cancelAfterBegin:
            let task = Task {
                try await test.streamingInputCall { writer in
                    try await Task.sleep(for: .seconds(60))
                }
            }
            task.cancel()
            let result = await task.result
            #expect(Self.isCancellation(result))

        case .cancelAfterFirstResponse:
            let (firstResponse, signal) = AsyncStream<Void>.makeStream()
            let task = Task {
                try await test.fullDuplexCall { writer in
                    var message = Souk_Testing_V1_StreamingOutputCallRequest()
                    message.responseParameters = [Self.parameters(size: 31_415)]
                    message.payload.body = Data(count: 27_182)
                    try await writer.write(message)
                    try await Task.sleep(for: .seconds(60))
                } onResponse: { response in
                    for try await _ in response.messages {
                        signal.yield()
                    }
                }
            }
            for await _ in firstResponse { break }
            task.cancel()
            let result = await task.result
            #expect(Self.isCancellation(result))
        }
    }

    /// The probe (claims compression, sends none: INVALID_ARGUMENT), then a compressed and a plain call.
    ///
    /// A call asks for compression through `CallOptions.compression`: gzip over HTTP/2, SWP's zstd over SWP.
    static func clientCompressedUnary(_ test: Service.Client<some ClientTransport>) async throws {
        var request = Souk_Testing_V1_SimpleRequest()
        request.responseSize = 314_159
        request.payload.body = Data(count: 271_828)
        request.expectCompressed = true
        let probe = await #expect(throws: RPCError.self) { try await test.unaryCall(request) }
        #expect(probe?.code == .invalidArgument)

        var compressed = CallOptions.defaults
        compressed.compression = .gzip
        let response = try await test.unaryCall(request: ClientRequest(message: request), options: compressed) {
            try $0.message
        }
        #expect(response.payload.body.count == 314_159)

        request.expectCompressed = false
        #expect(try await test.unaryCall(request).payload.body.count == 314_159)
    }

    static func parameters(size: Int32) -> Souk_Testing_V1_ResponseParameters {
        var parameters = Souk_Testing_V1_ResponseParameters()
        parameters.size = size
        return parameters
    }

    static func expectStatus(_ test: Service.Client<some ClientTransport>, code: Int32, message: String) async throws {
        var request = Souk_Testing_V1_SimpleRequest()
        request.responseStatus.code = code
        request.responseStatus.message = message
        let unary = await #expect(throws: RPCError.self) { try await test.unaryCall(request) }
        #expect(unary?.code.rawValue == Int(code))
        #expect(unary?.message == message)

        let streaming = await #expect(throws: RPCError.self) {
            try await test.fullDuplexCall { writer in
                var streamRequest = Souk_Testing_V1_StreamingOutputCallRequest()
                streamRequest.responseStatus.code = code
                streamRequest.responseStatus.message = message
                try await writer.write(streamRequest)
            } onResponse: { response in
                for try await _ in response.messages {}
            }
        }
        #expect(streaming?.code.rawValue == Int(code))
        #expect(streaming?.message == message)
    }

    /// Client cancellation surfaces as `CancellationError` or as an `RPCError` with code CANCELLED.
    static func isCancellation<T>(_ result: Result<T, any Error>) -> Bool {
        switch result {
        case .success: return false
        case .failure(let error as RPCError): return error.code == .cancelled || error.cause is CancellationError
        case .failure(is CancellationError): return true
        case .failure: return false
        }
    }
}

import Foundation
package import GRPCCore
package import SoukAPI

/// `souk.testing.v1.TestService`: the gRPC interop test service plus the benchmark's calls.
///
/// Behaves as grpc/grpc's interop server: it echoes `x-grpc-test-echo-initial` as initial metadata and
/// `x-grpc-test-echo-trailing-bin` as trailing metadata, answers with a requested status, and paces streamed
/// responses by `interval_us`. Every size is bounded by ``maximumPayloadBytes`` so a request cannot make the
/// server allocate without limit.
package struct TestService: Souk_Testing_V1_TestService.ServiceProtocol {
    /// The fully qualified service name, as used by health checks.
    package static let serviceName = "souk.testing.v1.TestService"
    /// The largest payload the service builds for one response.
    package static let maximumPayloadBytes = 16 * 1024 * 1024
    /// The most responses one streaming request may ask for.
    package static let maximumStreamedMessages: Int64 = 100_000_000

    /// Creates the service.
    package init() {}

    package func emptyCall(
        request: ServerRequest<Souk_Testing_V1_Empty>,
        context: ServerContext
    ) async throws -> ServerResponse<Souk_Testing_V1_Empty> {
        ServerResponse(
            message: Souk_Testing_V1_Empty(),
            metadata: EchoMetadata.initial(from: request.metadata),
            trailingMetadata: EchoMetadata.trailing(from: request.metadata)
        )
    }

    package func unaryCall(
        request: ServerRequest<Souk_Testing_V1_SimpleRequest>,
        context: ServerContext
    ) async throws -> ServerResponse<Souk_Testing_V1_SimpleResponse> {
        let message = request.message
        try Self.throwRequestedStatus(message.hasResponseStatus ? message.responseStatus : nil, request.metadata)
        try Self.checkCompression(expected: message.expectCompressed, metadata: request.metadata)
        var response = Souk_Testing_V1_SimpleResponse()
        response.payload.body = try Self.payload(size: message.responseSize)
        response.requestSize = Int32(message.payload.body.count)
        return ServerResponse(
            message: response,
            metadata: EchoMetadata.initial(from: request.metadata),
            trailingMetadata: EchoMetadata.trailing(from: request.metadata)
        )
    }

    package func echo(
        request: ServerRequest<Souk_Testing_V1_Payload>,
        context: ServerContext
    ) async throws -> ServerResponse<Souk_Testing_V1_Payload> {
        ServerResponse(message: request.message)
    }

    package func sleep(
        request: ServerRequest<Souk_Testing_V1_SleepRequest>,
        context: ServerContext
    ) async throws -> ServerResponse<Souk_Testing_V1_Empty> {
        let milliseconds = request.message.durationMs
        guard (0...3_600_000).contains(milliseconds) else {
            throw RPCError(code: .invalidArgument, message: "duration_ms must be between 0 and 3600000")
        }
        let finished = try await CancellableWait.sleep(for: .milliseconds(milliseconds), context: context)
        guard finished else {
            throw RPCError(code: .cancelled, message: "the call was cancelled while sleeping")
        }
        return ServerResponse(message: Souk_Testing_V1_Empty())
    }

    package func streamingOutputCall(
        request: ServerRequest<Souk_Testing_V1_StreamingOutputCallRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Testing_V1_StreamingOutputCallResponse> {
        let message = request.message
        try Self.throwRequestedStatus(message.hasResponseStatus ? message.responseStatus : nil, request.metadata)
        let parameters = message.responseParameters
        for parameter in parameters { _ = try Self.payload(size: parameter.size) }
        return StreamingServerResponse(metadata: EchoMetadata.initial(from: request.metadata)) { writer in
            for parameter in parameters {
                guard try await Self.pace(parameter, context: context) else { break }
                var response = Souk_Testing_V1_StreamingOutputCallResponse()
                response.payload.body = try Self.payload(size: parameter.size)
                try await writer.write(response)
            }
            return EchoMetadata.trailing(from: request.metadata)
        }
    }

    package func streamBytes(
        request: ServerRequest<Souk_Testing_V1_StreamRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Testing_V1_Payload> {
        let count = request.message.count
        guard (0...Self.maximumStreamedMessages).contains(count) else {
            throw RPCError(
                code: .invalidArgument,
                message: "count must be between 0 and \(Self.maximumStreamedMessages)"
            )
        }
        var template = Souk_Testing_V1_Payload()
        template.body = try Self.payload(size: request.message.size)
        let payload = template
        return StreamingServerResponse { writer in
            var sent: Int64 = 0
            while sent < count, !context.cancellation.isCancelled {
                try await writer.write(payload)
                sent += 1
            }
            return [:]
        }
    }

    package func streamingInputCall(
        request: StreamingServerRequest<Souk_Testing_V1_StreamingInputCallRequest>,
        context: ServerContext
    ) async throws -> ServerResponse<Souk_Testing_V1_StreamingInputCallResponse> {
        var total = 0
        for try await message in request.messages {
            try Self.checkCompression(expected: message.expectCompressed, metadata: request.metadata)
            total += message.payload.body.count
        }
        var response = Souk_Testing_V1_StreamingInputCallResponse()
        response.aggregatedPayloadSize = Int32(clamping: total)
        return ServerResponse(message: response)
    }

    package func fullDuplexCall(
        request: StreamingServerRequest<Souk_Testing_V1_StreamingOutputCallRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Testing_V1_StreamingOutputCallResponse> {
        StreamingServerResponse(metadata: EchoMetadata.initial(from: request.metadata)) { writer in
            for try await message in request.messages {
                try Self.throwRequestedStatus(
                    message.hasResponseStatus ? message.responseStatus : nil,
                    request.metadata
                )
                for parameter in message.responseParameters {
                    guard try await Self.pace(parameter, context: context) else {
                        throw RPCError(code: .cancelled, message: "the call was cancelled")
                    }
                    var response = Souk_Testing_V1_StreamingOutputCallResponse()
                    response.payload.body = try Self.payload(size: parameter.size)
                    try await writer.write(response)
                }
            }
            return EchoMetadata.trailing(from: request.metadata)
        }
    }

    package func halfDuplexCall(
        request: StreamingServerRequest<Souk_Testing_V1_StreamingOutputCallRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Testing_V1_StreamingOutputCallResponse> {
        throw RPCError(code: .unimplemented, message: "HalfDuplexCall is not implemented")
    }

    package func unimplementedCall(
        request: ServerRequest<Souk_Testing_V1_Empty>,
        context: ServerContext
    ) async throws -> ServerResponse<Souk_Testing_V1_Empty> {
        throw RPCError(code: .unimplemented, message: "UnimplementedCall is not implemented")
    }

    // MARK: - Helpers

    private static func payload(size: Int32) throws -> Data {
        guard size >= 0, Int(size) <= Self.maximumPayloadBytes else {
            throw RPCError(
                code: .invalidArgument,
                message: "response size must be between 0 and \(Self.maximumPayloadBytes) bytes"
            )
        }
        return Data(count: Int(size))
    }

    private static func throwRequestedStatus(_ status: Souk_Testing_V1_EchoStatus?, _ metadata: Metadata) throws {
        guard let status, status.code != 0 else { return }
        guard let code = Status.Code(rawValue: Int(status.code)) else {
            throw RPCError(code: .invalidArgument, message: "response_status.code \(status.code) is not a status code")
        }
        if let error = RPCError(
            status: Status(code: code, message: status.message),
            metadata: EchoMetadata.trailing(from: metadata)
        ) {
            throw error
        }
    }

    /// The interop probe: a client claiming compression the wire did not apply is refused.
    private static func checkCompression(expected: Bool, metadata: Metadata) throws {
        guard expected else { return }
        let encoding = metadata[stringValues: "grpc-encoding"].first(where: { _ in true }) ?? "identity"
        if encoding == "identity" {
            throw RPCError(code: .invalidArgument, message: "expected a compressed request but it arrived uncompressed")
        }
    }

    /// Waits `interval_us`; returns false when the call was cancelled meanwhile.
    private static func pace(
        _ parameter: Souk_Testing_V1_ResponseParameters,
        context: ServerContext
    ) async throws -> Bool {
        guard parameter.intervalUs > 0 else { return !context.cancellation.isCancelled }
        return try await CancellableWait.sleep(for: .microseconds(parameter.intervalUs), context: context)
    }
}

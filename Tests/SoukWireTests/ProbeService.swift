import Foundation
import GRPCCore
import SoukAPI
import SoukConformance
import SwiftProtobuf
import Synchronization

/// What a ``ProbeService`` handler or a ``RecordingInterceptor`` saw, in order, as a stream tests can await.
final class Probe: Sendable {
    let events: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let log = Mutex<[String]>([])

    init() {
        (self.events, self.continuation) = AsyncStream.makeStream()
    }

    func record(_ event: String) {
        self.log.withLock { $0.append(event) }
        self.continuation.yield(event)
    }

    /// Everything recorded so far.
    var recorded: [String] { self.log.withLock { $0 } }
}

/// An error that is neither an `RPCError` nor convertible to one.
struct PlainError: Error {}

/// An error GRPCCore converts through `RPCErrorConvertible`.
struct ConvertibleError: Error, RPCErrorConvertible {
    var rpcErrorCode: RPCError.Code { .failedPrecondition }
    var rpcErrorMessage: String { "converted from a domain error" }
}

/// The interop TestService with an `Echo` whose behaviour the request body picks, each handler recording that it ran:
/// "echo" answers, "plain" throws ``PlainError``, "convertible" throws ``ConvertibleError``, "wait" waits for the
/// call's cancellation and records "cancelled".
struct ProbeService: Souk_Testing_V1_TestService.StreamingServiceProtocol {
    let probe: Probe
    private let inner = TestService()

    init(probe: Probe) {
        self.probe = probe
    }

    func echo(
        request: StreamingServerRequest<Souk_Testing_V1_Payload>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Testing_V1_Payload> {
        self.probe.record("handler")
        var body = Data()
        for try await message in request.messages { body = message.body }
        switch String(decoding: body, as: UTF8.self) {
        case "plain":
            throw PlainError()
        case "convertible":
            throw ConvertibleError()
        case "wait":
            self.probe.record("waiting")
            try await context.cancellation.cancelled
            self.probe.record("cancelled")
            throw RPCError(code: .cancelled, message: "cancelled")
        default:
            return StreamingServerResponse(
                single: ServerResponse(message: Souk_Testing_V1_Payload.with { $0.body = body })
            )
        }
    }

    func emptyCall(
        request: StreamingServerRequest<Souk_Testing_V1_Empty>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Testing_V1_Empty> {
        self.probe.record("handler")
        return try await self.inner.emptyCall(request: request, context: context)
    }

    func unaryCall(
        request: StreamingServerRequest<Souk_Testing_V1_SimpleRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Testing_V1_SimpleResponse> {
        self.probe.record("handler")
        return try await self.inner.unaryCall(request: request, context: context)
    }

    func sleep(
        request: StreamingServerRequest<Souk_Testing_V1_SleepRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Testing_V1_Empty> {
        self.probe.record("handler")
        return try await self.inner.sleep(request: request, context: context)
    }

    func streamingOutputCall(
        request: StreamingServerRequest<Souk_Testing_V1_StreamingOutputCallRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Testing_V1_StreamingOutputCallResponse> {
        self.probe.record("handler")
        return try await self.inner.streamingOutputCall(request: request, context: context)
    }

    func streamBytes(
        request: StreamingServerRequest<Souk_Testing_V1_StreamRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Testing_V1_Payload> {
        self.probe.record("handler")
        return try await self.inner.streamBytes(request: request, context: context)
    }

    func streamingInputCall(
        request: StreamingServerRequest<Souk_Testing_V1_StreamingInputCallRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Testing_V1_StreamingInputCallResponse> {
        self.probe.record("handler")
        return try await self.inner.streamingInputCall(request: request, context: context)
    }

    func fullDuplexCall(
        request: StreamingServerRequest<Souk_Testing_V1_StreamingOutputCallRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Testing_V1_StreamingOutputCallResponse> {
        self.probe.record("handler")
        return try await self.inner.fullDuplexCall(request: request, context: context)
    }

    func halfDuplexCall(
        request: StreamingServerRequest<Souk_Testing_V1_StreamingOutputCallRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Testing_V1_StreamingOutputCallResponse> {
        self.probe.record("handler")
        return try await self.inner.halfDuplexCall(request: request, context: context)
    }

    func unimplementedCall(
        request: StreamingServerRequest<Souk_Testing_V1_Empty>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Souk_Testing_V1_Empty> {
        self.probe.record("handler")
        return try await self.inner.unimplementedCall(request: request, context: context)
    }
}

/// Records its name, then passes the call on.
struct RecordingInterceptor: ServerInterceptor {
    let name: String
    let probe: Probe

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        self.probe.record(self.name)
        return try await next(request, context)
    }
}

/// Refuses every call as the access policy refuses a caller without the permission.
struct DenyingInterceptor: ServerInterceptor {
    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        throw RPCError(code: .permissionDenied, message: "denied by the test policy")
    }
}

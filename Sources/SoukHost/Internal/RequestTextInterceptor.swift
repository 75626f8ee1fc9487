import GRPCCore
import SwiftProtobuf

/// Refuses, with INVALID_ARGUMENT naming the field, a request message with a NUL character in any string field
/// (``NULCharacterFinder``), so that no such text reaches a handler or PostgreSQL (which would refuse it as an
/// UNKNOWN with no message). The check runs as the handler reads each message, after the access policy.
struct RequestTextInterceptor: ServerInterceptor {
    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        var request = request
        let messages = request.messages
        request.messages = RPCAsyncSequence(
            wrapping: messages.map { @Sendable message in
                if let protobuf = message as? any SwiftProtobuf.Message, let path = Self.firstNUL(in: protobuf) {
                    throw RPCError(code: .invalidArgument, message: "\(path): must not contain a NUL character")
                }
                return message
            }
        )
        return try await next(request, context)
    }

    private static func firstNUL(in message: some SwiftProtobuf.Message) -> String? {
        NULCharacterFinder.firstNUL(in: message)
    }
}

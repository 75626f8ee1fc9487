package import GRPCCore
import NIOCore

/// Running one call directly: what GRPCCore's `ServerRPCExecutor` does, on the wire's own types.
///
/// The semantics are GRPCCore 2.4.3's, step by step: the interceptors run in order around the handler; an error an
/// interceptor throws (or lets through from the handler) becomes that interceptor's response: an `RPCError` as is,
/// an `RPCErrorConvertible` converted, anything else UNKNOWN with an empty message; an error escaping with no
/// interceptor is UNKNOWN "Service method threw an unknown error."; a producer's error is mapped the same way with
/// an empty message; response metadata goes first, then the messages, then the status with the trailing metadata.
/// Deadlines are the wire's: it cancels the context and answers DEADLINE_EXCEEDED itself.
extension SWPServerCall {
    /// Serves the call with `handler` behind `interceptors`.
    package func execute<Input: Sendable, Output: Sendable>(
        context: ServerContext,
        interceptors: [any ServerInterceptor],
        decode: @escaping @Sendable (WireBytes) throws -> Input,
        encode: @escaping @Sendable (Output) throws -> WireBytes,
        handler:
            @escaping @Sendable (
                _ request: StreamingServerRequest<Input>,
                _ context: ServerContext
            ) async throws -> StreamingServerResponse<Output>
    ) async {
        let request = StreamingServerRequest(
            metadata: self.metadata,
            messages: RPCAsyncSequence(
                wrapping: RequestMessages(
                    events: self.opened.inbound,
                    connection: self.connection,
                    id: self.opened.id,
                    compression: self.compression,
                    decode: decode
                )
            )
        )

        let response: Result<StreamingServerResponse<Output>.Contents, RPCError>
        do {
            response = try await Self.intercept(
                request: request,
                context: context,
                interceptors: interceptors[...],
                handler: handler
            ).accepted
        } catch {
            response = .failure(Self.rpcError(error, unknownMessage: "Service method threw an unknown error."))
        }

        switch response {
        case .success(let contents) where context.descriptor.type?.isResponseStreaming == false:
            // One response: head, message and trailers leave together, in one event-loop hop rather than three. The
            // client sees the same frames in the same order as when each part is written as it comes.
            let collector = CollectingResponseWriter(compression: self.compression, encode: encode)
            do {
                let trailingMetadata = try await contents.producer(RPCWriter(wrapping: collector))
                self.sendWhole(contents.metadata, collector.messages, Status(code: .ok, message: ""), trailingMetadata)
            } catch {
                let error = Self.rpcError(error, unknownMessage: "")
                let status = Status(code: Status.Code(error.code), message: error.message)
                self.sendWhole(contents.metadata, collector.messages, status, error.metadata)
            }

        case .success(let contents):
            let writer = ServerStreamWriter(
                connection: self.connection,
                id: self.opened.id,
                compression: self.compression
            )
            let status: Status
            let trailingMetadata: Metadata
            do {
                try await writer.write(.metadata(contents.metadata))
                trailingMetadata = try await contents.producer(
                    RPCWriter(wrapping: ResponseMessageWriter(writer: writer, encode: encode))
                )
                status = Status(code: .ok, message: "")
            } catch {
                let error = Self.rpcError(error, unknownMessage: "")
                status = Status(code: Status.Code(error.code), message: error.message)
                trailingMetadata = error.metadata
            }
            try? await writer.write(.status(status, trailingMetadata))
            await writer.finish()

        case .failure(let error):
            // Trailers only, as GRPCCore writes a refused call.
            let status = Status(code: Status.Code(error.code), message: error.message)
            self.sendWhole(nil, [], status, error.metadata)
        }
    }

    /// Sends the whole response in one event-loop hop (see `ServerStreamWriter.sendWhole`).
    private func sendWhole(
        _ head: Metadata?,
        _ messages: [(payload: ByteBuffer, isCompressed: Bool)],
        _ status: Status,
        _ trailingMetadata: Metadata
    ) {
        ServerStreamWriter.sendWhole(
            on: self.connection,
            id: self.opened.id,
            compression: self.compression,
            head: head,
            messages: messages,
            status: status,
            trailingMetadata: trailingMetadata
        )
    }

    /// The interceptors from the first, each around the rest, the handler innermost.
    private static func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        interceptors: ArraySlice<any ServerInterceptor>,
        handler:
            @escaping @Sendable (
                _ request: StreamingServerRequest<Input>,
                _ context: ServerContext
            ) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        guard let interceptor = interceptors.first else {
            return try await handler(request, context)
        }
        let rest = interceptors.dropFirst()
        do {
            return try await interceptor.intercept(request: request, context: context) { request, context in
                try await Self.intercept(request: request, context: context, interceptors: rest, handler: handler)
            }
        } catch {
            return StreamingServerResponse(error: Self.rpcError(error, unknownMessage: ""))
        }
    }

    /// An error as GRPCCore reports it: an `RPCError` as is, an `RPCErrorConvertible` converted, anything else
    /// UNKNOWN with `unknownMessage` (and the error as its cause, never sent).
    static func rpcError(_ error: any Error, unknownMessage: String) -> RPCError {
        if let error = error as? RPCError { return error }
        if let convertible = error as? any RPCErrorConvertible { return RPCError(convertible) }
        return RPCError(code: .unknown, message: unknownMessage, cause: error)
    }
}

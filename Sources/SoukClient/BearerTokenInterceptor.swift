import GRPCCore

/// Adds `authorization: Bearer <token>` to every call, asking its source for the token each time.
struct BearerTokenInterceptor: ClientInterceptor {
    let source: any AccessTokenSource

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>,
        context: ClientContext,
        next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        var request = request
        let token = try await self.source.accessToken()
        request.metadata.replaceOrAddString("Bearer \(token)", forKey: "authorization")
        return try await next(request, context)
    }
}

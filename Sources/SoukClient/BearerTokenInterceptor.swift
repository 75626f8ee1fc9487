import GRPCCore

/// Adds `authorization: Bearer <token>` to every call, asking its source for the token each time.
///
/// A sign-in that has ended fails the call with `UNAUTHENTICATED`, its reason as the message and the
/// ``SignInEnded`` as the error's cause, before anything is sent (GRPCCore would otherwise report an error from
/// an interceptor as `UNKNOWN` with no message).
struct BearerTokenInterceptor: ClientInterceptor {
    let source: any AccessTokenSource

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>,
        context: ClientContext,
        next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        var request = request
        let token: String
        do {
            token = try await self.source.accessToken()
        } catch let ended as SignInEnded {
            throw RPCError(code: .unauthenticated, message: ended.description, cause: ended)
        }
        request.metadata.replaceOrAddString("Bearer \(token)", forKey: "authorization")
        return try await next(request, context)
    }
}

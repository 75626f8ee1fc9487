import GRPCCore
import SoukAPI
import SoukClient

/// Signs a domain's calls to other domains with the host's service-account token when the call carries no
/// token of its own.
///
/// A call a domain makes on a person's behalf keeps that person's token (``SoukAccess/Caller/onBehalfMetadata``),
/// so it is never allowed more than the person; a call the domain makes as itself (an outbox relay, a refund) is
/// authorized as the service account and bounded by its scopes. The grant call itself goes out unsigned.
struct ServiceIdentityInterceptor: ClientInterceptor {
    let tokens: ClientCredentialsTokenSource

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>,
        context: ClientContext,
        next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        let isGrant = context.descriptor == Souk_Identity_V1_IdentityService.Method.ClientCredentials.descriptor
        let isSigned = request.metadata[stringValues: "authorization"].contains { _ in true }
        guard !isGrant, !isSigned else {
            return try await next(request, context)
        }
        let token: String
        do {
            token = try await self.tokens.accessToken()
        } catch let error as RPCError {
            throw RPCError(
                code: error.code == .unavailable ? .unavailable : .unauthenticated,
                message: "the host's service account could not sign in at identity: \(error.message)",
                cause: error
            )
        }
        var request = request
        request.metadata.addString("Bearer \(token)", forKey: "authorization")
        return try await next(request, context)
    }
}

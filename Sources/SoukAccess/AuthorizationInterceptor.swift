package import GRPCCore
import JWTKit

/// The server interceptor every Souk server runs: finds the method in ``AccessPolicy``, validates the bearer
/// token when the method needs one, checks the permission, and hands the handler the ``Caller``.
///
/// Deny by default: a method missing from the table is refused with PERMISSION_DENIED before any service code
/// runs. A missing or invalid token is UNAUTHENTICATED; a valid token without the permission is
/// PERMISSION_DENIED.
package struct AuthorizationInterceptor: ServerInterceptor {
    private let verifier: AccessTokenVerifier
    private let policy: AccessPolicy

    package init(verifier: AccessTokenVerifier, policy: AccessPolicy) {
        self.verifier = verifier
        self.policy = policy
    }

    package func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let method = context.descriptor.fullyQualifiedMethod
        guard let requirement = self.policy.requirement(for: method) else {
            throw RPCError(code: .permissionDenied, message: "\(method) has no access policy and is denied")
        }
        let token = Self.bearerToken(in: request.metadata)
        let caller: Caller?
        switch requirement {
        case .anyone:
            // A token on a public method is used when valid (so the service knows who calls) and ignored otherwise.
            if let token {
                caller = try? await self.caller(from: token, context: context)
            } else {
                caller = nil
            }
        case .permission(let permission):
            guard let token else {
                throw RPCError(
                    code: .unauthenticated,
                    message: "\(method) needs a bearer token (authorization: Bearer …)"
                )
            }
            let verified = try await self.caller(from: token, context: context)
            if verified.mustChangePassword, !self.policy.isAllowedBeforePasswordChange(method) {
                throw RPCError(code: .permissionDenied, message: "change the one-time password first (ChangePassword)")
            }
            guard verified.has(permission) else {
                throw RPCError(code: .permissionDenied, message: "\(method) needs the permission \(permission)")
            }
            caller = verified
        }
        var response = try await Caller.$current.withValue(caller) { try await next(request, context) }
        // A streaming response's producer runs after `next` returns: give it the caller too.
        if case .success(var contents) = response.accepted {
            let producer = contents.producer
            contents.producer = { writer in
                try await Caller.$current.withValue(caller) { try await producer(writer) }
            }
            response.accepted = .success(contents)
        }
        return response
    }

    private func caller(from token: String, context: ServerContext) async throws -> Caller {
        let claims = try await self.verifier.verify(token)
        return Caller(
            accountID: claims.sub.value,
            sessionID: claims.sid,
            roles: Set(claims.roles.compactMap(RoleName.init(rawValue:))),
            scopes: Set((claims.scope ?? "").split(separator: " ").map { Permission(rawValue: String($0)) }),
            mustChangePassword: claims.pcr == true,
            clientAddress: Caller.address(fromPeer: context.remotePeer),
            preferredCurrency: claims.cur,
            token: AccessToken(token)
        )
    }

    /// The token of `authorization: Bearer <token>`, if present.
    static func bearerToken(in metadata: Metadata) -> String? {
        for value in metadata["authorization"] {
            guard case .string(let text) = value else { continue }
            let parts = text.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]) }
        }
        return nil
    }
}

import Foundation
import GRPCCore
import SoukAPI
import SoukClient
import SoukCtlKit

/// One command's way to the server: the context it uses, the saved login, and the mapping of failures to
/// ``CtlError``.
struct Session {
    let folder: ConfigFolder
    let context: Context
    let endpoint: Endpoint

    /// The session of `--context` or the current context.
    init(_ global: GlobalOptions) throws {
        self.folder = try ConfigFolder(environment: ProcessInfo.processInfo.environment)
        self.context = try ContextStore.load(from: self.folder).resolve(override: global.context)
        self.endpoint = try Endpoint(parsing: self.context.endpoint)
    }

    /// Whether a login is saved for this context (a damaged one throws).
    var isLoggedIn: Bool {
        get throws { try Credentials.load(context: self.context.name, from: self.folder) != nil }
    }

    /// Calls without a login (sign-in, the public catalog).
    ///
    /// - Parameter mapErrors: false to let a call's `RPCError` through (login inspects it).
    func anonymous<Result: Sendable>(
        mapErrors: Bool = true,
        _ body: (API) async throws -> Result
    ) async throws -> Result {
        let config = self.clientConfig(token: nil)
        guard mapErrors else {
            return try await SoukConnection.withServices(to: config) { try await body(API($0)) }
        }
        return try await self.mapped { try await SoukConnection.withServices(to: config) { try await body(API($0)) } }
    }

    /// Calls with the saved login; its access token is renewed (and the new pair saved) whenever it expires
    /// within 30 seconds, by the client library's ``RotatingTokenSource``.
    ///
    /// - Throws: ``CtlError`` (auth) when not logged in or the login cannot be renewed.
    func authenticated<Result: Sendable>(_ body: (API) async throws -> Result) async throws -> Result {
        guard let credentials = try Credentials.load(context: self.context.name, from: self.folder) else {
            throw CtlError.notLoggedIn(context: self.context.name)
        }
        let tokens = self.tokenSource(credentials)
        return try await self.mapped {
            try await SoukConnection.withServices(to: self.clientConfig(token: nil), tokens: tokens) {
                try await body(API($0))
            }
        }
    }

    /// Renews `credentials` now with the refresh token (which rotates) and saves the new pair.
    ///
    /// - Throws: ``CtlError/loginExpired`` when the server no longer accepts the refresh token.
    @discardableResult
    func refresh(_ credentials: Credentials) async throws -> Credentials {
        let tokens = self.tokenSource(credentials)
        do {
            try await tokens.renew()
        } catch is SignInEnded {
            throw CtlError.loginExpired
        } catch let error as RPCError {
            throw CtlError(rpcError: error, endpoint: self.endpoint.description)
        }
        return Credentials(tokens: tokens.tokens, email: credentials.email)
    }

    /// The saved login as a token source: a renewal goes over its own anonymous connection, and each new pair
    /// is saved before it is used.
    private func tokenSource(_ credentials: Credentials) -> RotatingTokenSource {
        let session = self
        let email = credentials.email
        return RotatingTokenSource(
            tokens: credentials.tokenPair,
            onRotate: { tokens in
                try Credentials(tokens: tokens, email: email).save(context: session.context.name, to: session.folder)
            },
            refresh: { refreshToken in
                var request = Souk_Identity_V1_RefreshRequest()
                request.refreshToken = refreshToken
                return try await session.anonymous(mapErrors: false) { api in
                    try await api.identity.refresh(request, options: api.options).tokens
                }
            }
        )
    }

    /// The client configuration of this context, with `token` as the bearer token.
    func clientConfig(token: String?) -> ClientConfig {
        let trust: ClientConfig.Trust
        if self.context.plaintext {
            trust = .plaintext
        } else if let authority = self.context.certificateAuthority {
            trust = .certificateAuthority(path: authority)
        } else {
            trust = .systemRoots
        }
        return ClientConfig(host: self.endpoint.host, port: self.endpoint.port, trust: trust, bearerToken: token)
    }

    /// Runs `body`, turning a failed call into a ``CtlError`` that names this endpoint.
    func mapped<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as RPCError where error.cause is SignInEnded {
            throw CtlError.loginExpired
        } catch let error as RPCError {
            throw CtlError(rpcError: error, endpoint: self.endpoint.description)
        }
    }
}

extension Credentials {
    /// The credentials of a token pair from Login or Refresh.
    init(tokens: Souk_Identity_V1_TokenPair, email: String) {
        self.init(
            accessToken: tokens.accessToken,
            accessExpiresAtUnixMs: tokens.accessExpiresAtUnixMs,
            refreshToken: tokens.refreshToken,
            refreshExpiresAtUnixMs: tokens.refreshExpiresAtUnixMs,
            sessionID: tokens.sessionID,
            email: email
        )
    }

    /// The saved pair, as the client library's token source takes it.
    var tokenPair: Souk_Identity_V1_TokenPair {
        var tokens = Souk_Identity_V1_TokenPair()
        tokens.accessToken = self.accessToken
        tokens.accessExpiresAtUnixMs = self.accessExpiresAtUnixMs
        tokens.refreshToken = self.refreshToken
        tokens.refreshExpiresAtUnixMs = self.refreshExpiresAtUnixMs
        tokens.sessionID = self.sessionID
        return tokens
    }
}

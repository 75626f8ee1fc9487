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

    static var nowUnixMs: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

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
            return try await SoukClient.withConnection(to: config) { try await body(API($0)) }
        }
        return try await self.mapped { try await SoukClient.withConnection(to: config) { try await body(API($0)) } }
    }

    /// Calls with the saved login, renewing the access token first when it expires within 30 seconds.
    ///
    /// - Throws: ``CtlError`` (auth) when not logged in or the login cannot be renewed.
    func authenticated<Result: Sendable>(_ body: (API) async throws -> Result) async throws -> Result {
        guard var credentials = try Credentials.load(context: self.context.name, from: self.folder) else {
            throw CtlError.notLoggedIn(context: self.context.name)
        }
        if credentials.needsRefresh(nowUnixMs: Self.nowUnixMs) {
            credentials = try await self.refresh(credentials)
        }
        let config = self.clientConfig(token: credentials.accessToken)
        return try await self.mapped { try await SoukClient.withConnection(to: config) { try await body(API($0)) } }
    }

    /// Renews `credentials` with the refresh token (which rotates) and saves the new pair.
    ///
    /// - Throws: ``CtlError/loginExpired`` when the server no longer accepts the refresh token.
    @discardableResult
    func refresh(_ credentials: Credentials) async throws -> Credentials {
        guard !credentials.isExpired(nowUnixMs: Self.nowUnixMs) else { throw CtlError.loginExpired }
        var request = Souk_Identity_V1_RefreshRequest()
        request.refreshToken = credentials.refreshToken
        let tokens: Souk_Identity_V1_TokenPair
        do {
            tokens = try await self.anonymous(mapErrors: false) { api in
                try await api.identity.refresh(request, options: api.options).tokens
            }
        } catch let error as RPCError where [.unauthenticated, .invalidArgument].contains(error.code) {
            throw CtlError.loginExpired
        } catch let error as RPCError {
            throw CtlError(rpcError: error, endpoint: self.endpoint.description)
        }
        let renewed = Credentials(tokens: tokens, email: credentials.email)
        try renewed.save(context: self.context.name, to: self.folder)
        return renewed
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
}

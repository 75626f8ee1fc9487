import GRPCCore
import Logging
import SoukAPI
import SoukClient
import SoukHost
import SoukIdentity
import SoukStorage
import SoukWire
import TestSupport

/// A running host with the identity service (cheap scrypt parameters) on a fresh database, and a connected
/// SWP client.
struct IdentityHarness: Sendable {
    let client: GRPCClient<SWPClientTransport>
    let databaseURL: DatabaseURL
    let config: HostConfig

    var identity: Souk_Identity_V1_IdentityService.Client<SWPClientTransport> {
        Souk_Identity_V1_IdentityService.Client(wrapping: self.client)
    }

    /// Runs `body` against a fresh host; `configure` adjusts the host's settings first.
    static func with(
        configure: @escaping @Sendable (inout HostConfig) -> Void = { _ in },
        _ body: @Sendable (IdentityHarness) async throws -> Void
    ) async throws {
        try await TestDatabase.withFresh { url, _ in
            try await withTemporaryDirectory { folder in
                var used = HostConfig.defaults
                try await withRunningHost(databaseURL: url, dataFolder: folder) { config in
                    config.services = [.identity, .testing]
                    config.identity.passwordParameters = .testing
                    configure(&config)
                    used = config
                } _: { info, _ in
                    let clientConfig = ClientConfig(
                        host: "127.0.0.1",
                        port: info.swpPort,
                        trust: .certificateAuthority(path: info.certificateAuthorityPath ?? "")
                    )
                    try await SoukClient.withConnection(to: clientConfig) { client in
                        try await body(IdentityHarness(client: client, databaseURL: url, config: used))
                    }
                }
            }
        }
    }

    /// Metadata carrying `token` as a bearer token.
    static func bearer(_ token: String) -> Metadata {
        ["authorization": "Bearer \(token)"]
    }

    /// Signs a customer up and logs in; returns the tokens.
    func customer(
        email: String,
        password: String = "correct horse battery",
        phone: String = ""
    ) async throws
        -> Souk_Identity_V1_TokenPair
    {
        var signUp = Souk_Identity_V1_SignUpRequest()
        signUp.email = email
        signUp.password = password
        signUp.profile.phone = phone
        _ = try await self.identity.signUp(signUp)
        return try await self.login(email: email, password: password).tokens
    }

    func login(
        email: String,
        password: String,
        totp: String = "",
        recovery: String = ""
    ) async throws
        -> Souk_Identity_V1_LoginResponse
    {
        var login = Souk_Identity_V1_LoginRequest()
        login.email = email
        login.password = password
        login.totpCode = totp
        login.recoveryCode = recovery
        return try await self.identity.login(login)
    }

    /// `soukd bootstrap-admin` against the harness's database and key ring: the one-time password.
    func bootstrap(email: String) async throws -> String {
        try await HostMigrator(config: self.config, logger: .init(label: "test")).bootstrapAdmin(email: email)
    }

    /// Bootstraps the first admin, changes the one-time password, and returns fresh tokens.
    func admin(
        email: String = "root@souk.example",
        password: String = "admin password 2026!"
    ) async throws
        -> Souk_Identity_V1_TokenPair
    {
        let oneTime = try await self.bootstrap(email: email)
        let first = try await self.login(email: email, password: oneTime)
        var change = Souk_Identity_V1_ChangePasswordRequest()
        change.currentPassword = oneTime
        change.newPassword = password
        _ = try await self.identity.changePassword(change, metadata: Self.bearer(first.tokens.accessToken))
        return try await self.login(email: email, password: password).tokens
    }
}

/// Runs `body` and returns the RPC error it threw (failing the test if it did not throw one).
func rpcError(_ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        return RPCError(code: .unknown, message: "not an RPCError: \(error)")
    }
}

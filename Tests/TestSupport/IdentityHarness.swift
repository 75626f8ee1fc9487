package import GRPCCore
import Logging
package import SoukAPI
import SoukClient
package import SoukDomain
package import SoukHost
import SoukIdentity
package import SoukStorage
package import SoukWire

/// A running host with every service (identity with cheap scrypt parameters) on a fresh database, and clients of
/// its services.
///
/// Two rungs: by default the services are called over GRPCCore's in-process transport, through the same access
/// policy as the network wires but with no TLS and no ports; `wire: .swp` runs the real listeners and calls over
/// SWP with TLS, for tests of the wire, the client library or the bridge (``client``, ``info``'s ports).
package final class IdentityHarness: Sendable {
    /// How the harness's clients reach the host.
    package enum Wire: Sendable {
        /// GRPCCore's in-process transport: no TLS, no ports.
        case inProcess
        /// SWP with TLS to the host's real listener.
        case swp
    }

    package let databaseURL: DatabaseURL
    package let config: HostConfig
    /// What the host reported once it was ready (its ports and CA with `.swp`; no ports in process).
    package let info: ReadyInfo
    /// The identity service's client.
    package let identity: any Souk_Identity_V1_IdentityService.ClientProtocol
    /// The catalog service's client.
    package let catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol
    /// The order service's client.
    package let orders: any Souk_Catalog_V1_OrderService.ClientProtocol
    private let swpClient: GRPCClient<SWPClientTransport>?
    private let source: any DomainClientSource

    init<Transport: ClientTransport>(
        client: GRPCClient<Transport>,
        swpClient: GRPCClient<SWPClientTransport>?,
        databaseURL: DatabaseURL,
        config: HostConfig,
        info: ReadyInfo
    ) {
        self.identity = Souk_Identity_V1_IdentityService.Client(wrapping: client)
        self.catalog = Souk_Catalog_V1_CatalogService.Client(wrapping: client)
        self.orders = Souk_Catalog_V1_OrderService.Client(wrapping: client)
        self.swpClient = swpClient
        self.source = Source(client: client)
        self.databaseURL = databaseURL
        self.config = config
        self.info = info
    }

    /// The typed client `maker` makes, for any service: a new domain's tests need no edit here
    /// (`harness.client(PaymentsClient())`, with the domain's three-line `DomainClientMaker`).
    package func client<Maker: DomainClientMaker>(_ maker: Maker) -> Maker.Client {
        self.source.client(maker)
    }

    private struct Source<Transport: ClientTransport>: DomainClientSource {
        let client: GRPCClient<Transport>

        func client<Maker: DomainClientMaker>(_ maker: Maker) -> Maker.Client {
            maker.make(self.client)
        }
    }

    /// The SWP client of a harness made with `wire: .swp`.
    package var client: GRPCClient<SWPClientTransport> {
        guard let client = self.swpClient else {
            preconditionFailure("this test needs the network: IdentityHarness.with(wire: .swp)")
        }
        return client
    }

    /// Runs `body` against a fresh host reached over `wire`; `configure` adjusts the host's settings first.
    package static func with(
        wire: Wire = .inProcess,
        configure: @escaping @Sendable (inout HostConfig) -> Void = { _ in },
        _ body: @Sendable (IdentityHarness) async throws -> Void
    ) async throws {
        try await TestDatabase.withFresh { url, _ in
            try await withTemporaryDirectory { folder in
                var used = HostConfig.defaults
                try await withRunningHost(databaseURL: url, dataFolder: folder) { config in
                    config.services = Set(ServiceName.all)
                    config.identity.passwordParameters = .testing
                    config.listens = wire == .swp
                    configure(&config)
                    used = config
                } _: { info, prepared, _ in
                    guard wire == .swp else {
                        let client = prepared.inProcessClient
                        try await body(
                            IdentityHarness(client: client, swpClient: nil, databaseURL: url, config: used, info: info)
                        )
                        return
                    }
                    let clientConfig = ClientConfig(
                        host: "127.0.0.1",
                        port: info.swpPort,
                        trust: .certificateAuthority(path: info.certificateAuthorityPath ?? "")
                    )
                    try await SoukConnection.withConnection(to: clientConfig) { client in
                        try await body(
                            IdentityHarness(
                                client: client,
                                swpClient: client,
                                databaseURL: url,
                                config: used,
                                info: info
                            )
                        )
                    }
                }
            }
        }
    }

    /// Metadata carrying `token` as a bearer token.
    package static func bearer(_ token: String) -> Metadata {
        ["authorization": "Bearer \(token)"]
    }

    /// Signs a customer up and logs in; returns the tokens.
    package func customer(
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

    package func login(
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
    package func bootstrap(email: String) async throws -> String {
        try await HostMigrator(config: self.config, logger: .init(label: "test")).bootstrapAdmin(email: email)
    }

    /// Bootstraps the first admin, changes the one-time password, and returns fresh tokens.
    package func admin(
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
package func rpcError(_ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        return RPCError(code: .unknown, message: "not an RPCError: \(error)")
    }
}

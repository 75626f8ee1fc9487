import GRPCCore
import ServiceLifecycle
import SoukAPI
import SoukCatalog
import SoukDomain
import SoukIdentity
import SoukWire
import TestSupport
import Testing

@testable import SoukHost

@Suite("Domains call another soukd's domains as the host's service account")
struct ServiceIdentityTests {
    @Test(
        "a call with no token goes as the service account within its scopes, one with a person's token as that person",
        .timeLimit(.minutes(5))
    )
    func signedAsServiceAccount() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            let account = try await Self.serviceAccount(in: harness, scopes: ["accounts.read"])
            let customer = try await harness.customer(email: "ada@example.com")
            try await Self.withRemoteIdentity(of: harness, signedAs: account) { identity in
                let listed = try await identity.listAccounts(.init())
                #expect(listed.accounts.contains { $0.email == "ada@example.com" })

                let mine = try await identity.getMyAccount(
                    .init(),
                    metadata: IdentityHarness.bearer(customer.accessToken)
                )
                #expect(mine.account.email == "ada@example.com")

                let denied = await rpcError { _ = try await identity.listAuditEvents(.init()) }
                #expect(denied?.code == .permissionDenied)
            }
        }
    }

    @Test("co-hosted: a call with no token goes in process as the service account", .timeLimit(.minutes(5)))
    func inProcess() async throws {
        try await IdentityHarness.with { harness in
            let account = try await Self.serviceAccount(in: harness, scopes: ["accounts.read"])
            // A second host on the same database and keys, serving every domain in process only, as the account.
            try await withRunningHost(databaseURL: harness.databaseURL, dataFolder: harness.config.dataFolder) {
                config in
                config.listens = false
                config.identity.passwordParameters = .testing
                config.serviceAccount = account
            } _: { _, prepared, _ in
                let identity = try prepared.domainClients.client(
                    of: Souk_Identity_V1_IdentityService.descriptor,
                    IdentityClient()
                )
                let listed = try await identity.listAccounts(.init())
                #expect(listed.accounts.contains { $0.email == "root@souk.example" })
                let denied = await rpcError { _ = try await identity.listAuditEvents(.init()) }
                #expect(denied?.code == .permissionDenied)
            }
        }
    }

    @Test("a wrong secret, or no service account, leaves such calls unauthenticated", .timeLimit(.minutes(5)))
    func refused() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            var account = try await Self.serviceAccount(in: harness, scopes: ["accounts.read"])
            account.clientSecret = "not the secret"
            try await Self.withRemoteIdentity(of: harness, signedAs: account) { identity in
                let refused = await rpcError { _ = try await identity.listAccounts(.init()) }
                #expect(refused?.code == .unauthenticated)
                #expect(refused?.message.contains("service account") == true, "\(String(describing: refused))")
            }
            try await Self.withRemoteIdentity(of: harness, signedAs: nil) { identity in
                let refused = await rpcError { _ = try await identity.listAccounts(.init()) }
                #expect(refused?.code == .unauthenticated)
            }
        }
    }

    /// A service account created by the harness's admin.
    static func serviceAccount(
        in harness: IdentityHarness,
        scopes: [String]
    ) async throws -> HostConfig.ServiceAccount {
        let admin = try await harness.admin()
        var create = Souk_Identity_V1_CreateServiceAccountRequest()
        create.name = "catalog-host"
        create.scopes = scopes
        let created = try await harness.identity.createServiceAccount(
            create,
            metadata: IdentityHarness.bearer(admin.accessToken)
        )
        return HostConfig.ServiceAccount(clientID: created.clientID, clientSecret: created.clientSecret)
    }

    /// The wiring a catalog-only host would have with identity in `harness`'s host, signed as `account`: `body`
    /// gets the identity client a domain would be handed.
    static func withRemoteIdentity(
        of harness: IdentityHarness,
        signedAs account: HostConfig.ServiceAccount?,
        _ body: (any Souk_Identity_V1_IdentityService.ClientProtocol) async throws -> Void
    ) async throws {
        let tls = WireTLS.Client(
            certificateAuthorityPath: harness.info.certificateAuthorityPath,
            certificateChainPath: nil,
            privateKeyPath: nil,
            serverHostname: nil
        )
        let wiring = DomainCalls.Wiring(
            hosted: [],
            remote: [
                Souk_Identity_V1_IdentityService.descriptor: SWPClientTransport.Config(
                    host: "127.0.0.1",
                    port: harness.info.swpPort,
                    tls: tls
                )
            ],
            serviceAccount: account
        )
        let calls = DomainCalls(wiring: wiring, services: [], interceptors: [])
        let identity = try wiring.clients.client(of: Souk_Identity_V1_IdentityService.descriptor, IdentityClient())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await calls.run() }
            do {
                try await body(identity)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }
}

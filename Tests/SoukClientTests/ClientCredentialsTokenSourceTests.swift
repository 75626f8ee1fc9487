import GRPCCore
import SoukAPI
import SoukClient
import SoukHost
import Synchronization
import TestSupport
import Testing

/// A service account's tokens: granted on first use, shared, replaced before expiry, and accepted by the host.
struct ClientCredentialsTokenSourceTests {
    /// Counts grants; the n-th answers token "t<n>" expiring at `expiry(n)`.
    final class Identity: Sendable {
        let grants = Mutex(0)
        let failure: Mutex<(any Error)?> = Mutex(nil)
        let expiry: @Sendable (Int) -> Int64

        init(expiry: @escaping @Sendable (Int) -> Int64) {
            self.expiry = expiry
        }

        func grant(
            _ request: Souk_Identity_V1_ClientCredentialsRequest
        ) async throws
            -> Souk_Identity_V1_ClientCredentialsResponse
        {
            let n = self.grants.withLock { count in
                count += 1
                return count
            }
            await Task.yield()
            if let failure = self.failure.withLock({ $0 }) { throw failure }
            var response = Souk_Identity_V1_ClientCredentialsResponse()
            response.accessToken = "t\(n)"
            response.expiresAtUnixMs = self.expiry(n)
            response.scopes = request.scopes
            return response
        }
    }

    @Test("the first use grants once for concurrent callers; a token near expiry is replaced; failures retry")
    func grants() async throws {
        let identity = Identity(expiry: { n in n == 1 ? 10_000 : 1_000_000 })
        let now = Mutex<Int64>(0)
        let source = ClientCredentialsTokenSource(
            clientID: "worker",
            clientSecret: "s3cret",
            scopes: ["events.read"],
            now: { now.withLock { $0 } },
            grant: { try await identity.grant($0) }
        )
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<6 { group.addTask { try await source.accessToken() } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(tokens == Array(repeating: "t1", count: 6))
        #expect(identity.grants.withLock { $0 } == 1)
        #expect(source.scopes == ["events.read"])
        #expect(!source.description.contains("s3cret") && !source.description.contains("t1"))

        // 30 s before the first token expires it is replaced.
        now.withLock { $0 = 10_000 - 30_000 + 1 }
        identity.failure.withLock { $0 = RPCError(code: .unavailable, message: "identity is restarting") }
        let error = await #expect(throws: RPCError.self) { try await source.accessToken() }
        #expect(error?.code == .unavailable)
        identity.failure.withLock { $0 = nil }
        #expect(try await source.accessToken() == "t3")
        #expect(try await source.accessToken() == "t3")
        #expect(identity.grants.withLock { $0 } == 3)
    }

    @Test("a service account's source signs calls its scopes allow, on a real host")
    func host() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            let admin = try await harness.admin()
            var create = Souk_Identity_V1_CreateServiceAccountRequest()
            create.name = "reporting-worker"
            create.scopes = ["accounts.read"]
            let account = try await harness.identity.createServiceAccount(
                create,
                metadata: IdentityHarness.bearer(admin.accessToken)
            )
            let authority = try #require(harness.info.certificateAuthorityPath)
            let config = ClientConfig(
                host: "127.0.0.1",
                port: harness.info.swpPort,
                trust: .certificateAuthority(path: authority)
            )
            let source = ClientCredentialsTokenSource(clientID: account.clientID, clientSecret: account.clientSecret) {
                request in
                try await SoukConnection.withServices(to: config) {
                    try await $0.identityService.clientCredentials(request)
                }
            }
            let (listed, denied) = try await SoukConnection.withServices(to: config, tokens: source) { services in
                let listed = try await services.identityService.listAccounts(.init())
                let denied = await #expect(throws: RPCError.self) {
                    _ = try await services.identityService.listAuditEvents(.init())
                }
                return (listed, denied)
            }
            #expect(listed.accounts.contains { $0.email == "root@souk.example" })
            #expect(denied?.code == .permissionDenied)
            #expect(source.scopes == ["accounts.read"])

            let wrong = ClientCredentialsTokenSource(clientID: account.clientID, clientSecret: "wrong") { request in
                try await SoukConnection.withServices(to: config) {
                    try await $0.identityService.clientCredentials(request)
                }
            }
            let refused = try await SoukConnection.withServices(to: config, tokens: wrong) { services in
                await #expect(throws: RPCError.self) { _ = try await services.identityService.listAccounts(.init()) }
            }
            #expect(refused?.code == .unauthenticated)
        }
    }
}

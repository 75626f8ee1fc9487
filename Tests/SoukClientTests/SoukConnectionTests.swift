import GRPCCore
import SoukAPI
import SoukClient
import SoukHost
import Synchronization
import TestSupport
import Testing

/// The public surface against a real host: both wires, static and rotating tokens.
struct SoukConnectionTests {
    static func config(_ harness: IdentityHarness, port: Int) throws -> ClientConfig {
        let authority = try #require(harness.info.certificateAuthorityPath)
        return ClientConfig(host: "127.0.0.1", port: port, trust: .certificateAuthority(path: authority))
    }

    @Test(
        "every service answers through the typed clients, over SWP and over gRPC/HTTP2",
        arguments: [
            SoukConnection.Wire.swp, .http2,
        ]
    )
    func services(wire: SoukConnection.Wire) async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            let port = wire == .swp ? harness.info.swpPort : harness.info.grpcPort
            let config = try Self.config(harness, port: port)
            _ = try await harness.customer(email: "ann@souk.example", password: "correct horse battery")
            try await SoukConnection.withServices(to: config, wire: wire) { services in
                #expect(try await services.health.check(.init()).status == .serving)
                var login = Souk_Identity_V1_LoginRequest()
                login.email = "ann@souk.example"
                login.password = "correct horse battery"
                let tokens = try await services.identityService.login(login).tokens
                #expect(!tokens.accessToken.isEmpty)
                _ = try await services.catalogService.listCategories(.init())
                // Signed-in calls need a token: without one the server says so.
                let error = await #expect(throws: RPCError.self) {
                    _ = try await services.identityService.getMyAccount(.init())
                }
                #expect(error?.code == .unauthenticated)
            }
        }
    }

    @Test("a rotating token source signs calls in, renews before expiry, and a refused renewal ends it")
    func rotating() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            let config = try Self.config(harness, port: harness.info.swpPort)
            let first = try await harness.customer(email: "bob@souk.example", password: "correct horse battery")
            let rotations = Mutex(0)
            // A one-hour margin makes the host's 15-minute access tokens always due for renewal.
            let source = RotatingTokenSource(
                tokens: first,
                margin: .seconds(3600),
                onRotate: { _ in rotations.withLock { $0 += 1 } },
                refresh: { refreshToken in
                    var request = Souk_Identity_V1_RefreshRequest()
                    request.refreshToken = refreshToken
                    return try await harness.identity.refresh(request).tokens
                }
            )
            let emails = try await SoukConnection.withServices(to: config, tokens: source) { services in
                [
                    try await services.identityService.getMyAccount(.init()).account.email,
                    try await services.identityService.getMyAccount(.init()).account.email,
                ]
            }
            #expect(emails == ["bob@souk.example", "bob@souk.example"])
            #expect(rotations.withLock { $0 } == 2)
            #expect(source.tokens.refreshToken != first.refreshToken)

            // Signing out revokes the session: the next renewal is refused and the sign-in ends.
            _ = try await harness.identity.logout(
                .init(),
                metadata: IdentityHarness.bearer(source.tokens.accessToken)
            )
            let ended = try await SoukConnection.withServices(to: config, tokens: source) { services in
                await #expect(throws: RPCError.self) { _ = try await services.identityService.getMyAccount(.init()) }
            }
            #expect(ended?.code == .unauthenticated)
            #expect(ended?.message.hasPrefix("sign-in ended: the server refused the refresh token") == true)
            #expect(ended?.cause is SignInEnded)
            #expect(source.hasEnded)
        }
    }
}

import Foundation
import GRPCCore
import SoukAPI
import SoukCatalog
import SoukHost
import TestSupport
import Testing

/// The in-process rung the domain suites run on: a host that does not listen.
@Suite("A host that does not listen")
struct InProcessHostTests {
    @Test("serves its domains in process only, through the access policy, with no TLS and no port")
    func inProcessOnly() async throws {
        try await TestDatabase.withFresh { url, _ in
            try await withTemporaryDirectory { folder in
                try await withRunningHost(databaseURL: url, dataFolder: folder) { config in
                    config.listens = false
                } _: { info, prepared, _ in
                    #expect(info.swpAddress == "in-process" && info.grpcAddress == "in-process")
                    #expect(!info.isTLS && info.certificateAuthorityPath == nil)
                    #expect(!FileManager.default.fileExists(atPath: "\(folder)/tls"), "no development CA is made")

                    let test = Souk_Testing_V1_TestService.Client(wrapping: prepared.inProcessClient)
                    _ = try await test.emptyCall(Souk_Testing_V1_Empty())
                    let identity = Souk_Identity_V1_IdentityService.Client(wrapping: prepared.inProcessClient)
                    let refused = await rpcError { _ = try await identity.getMyAccount(.init()) }
                    #expect(refused?.code == .unauthenticated)
                }
            }
        }
    }

    @Test("the harness makes any service's client from a domain's client maker, so a new domain's tests need no edit")
    func anyServiceClient() async throws {
        try await IdentityHarness.with { harness in
            let identity = harness.client(IdentityClient())
            let tokens = try await harness.customer(email: "maker@example.com")
            let account = try await identity.getMyAccount(.init(), metadata: IdentityHarness.bearer(tokens.accessToken))
            #expect(account.account.email == "maker@example.com")
        }
    }
}

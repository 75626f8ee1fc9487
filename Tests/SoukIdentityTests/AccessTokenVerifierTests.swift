import Crypto
import Foundation
import GRPCCore
import JWTKit
import SoukAccess
import Synchronization
import Testing

@Suite("The access token verifier's key reloads")
struct AccessTokenVerifierTests {
    /// A token for `subject` signed by `key` under `kid`, in the server's own format.
    static func token(subject: String, key: Curve25519.Signing.PrivateKey, kid: String) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PrivateKey(backing: key), kid: JWKIdentifier(string: kid))
        let claims = AccessClaims(
            subject: subject,
            sessionID: nil,
            roles: ["customer"],
            scope: nil,
            mustChangePassword: false,
            issuedAt: Date(),
            expiresAt: Date().addingTimeInterval(600)
        )
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid))
    }

    @Test("two first calls signed by a new key: the second waits for the first one's reload and both are verified")
    func concurrentFirstVerifications() async throws {
        let key = Curve25519.Signing.PrivateKey()
        let published = PublicSigningKey(id: "key-2", rawKey: Array(key.publicKey.rawRepresentation))
        let (entered, enter) = AsyncStream<Void>.makeStream()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let reads = Atomic<Int>(0)
        let verifier = AccessTokenVerifier(
            reloadInterval: .seconds(60),
            keySource: {
                reads.add(1, ordering: .relaxed)
                enter.yield()
                // Held until the test opens it: the second call comes while this reload is under way.
                for await _ in gate { break }
                return [published]
            }
        )
        let first = try await Self.token(subject: "alice", key: key, kid: "key-2")
        let second = try await Self.token(subject: "bob", key: key, kid: "key-2")

        async let alice = verifier.verify(first)
        for await _ in entered { break }
        async let bob = verifier.verify(second)
        // Give the second call time to find the key unknown and the reload under way, then let the reload end.
        try await Task.sleep(for: .milliseconds(300))
        open.yield()
        open.finish()

        #expect(try await alice.sub.value == "alice")
        #expect(try await bob.sub.value == "bob")
        #expect(reads.load(ordering: .relaxed) == 1, "one reload, not one per call")
    }

    @Test("a key still unknown after the reload is refused, and reloads are rate-limited")
    func unknownAfterReload() async throws {
        let reads = Atomic<Int>(0)
        let verifier = AccessTokenVerifier(
            reloadInterval: .seconds(60),
            keySource: {
                reads.add(1, ordering: .relaxed)
                return []
            }
        )
        let token = try await Self.token(subject: "mallory", key: Curve25519.Signing.PrivateKey(), kid: "key-9")
        for _ in 0..<3 {
            let refused = await #expect(throws: RPCError.self) { _ = try await verifier.verify(token) }
            #expect(refused?.code == .unauthenticated)
            #expect(refused?.message == "the access token was signed by an unknown key")
        }
        #expect(reads.load(ordering: .relaxed) == 1)
    }
}

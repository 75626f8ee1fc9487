import Crypto
import Foundation
import GRPCCore
import JWTKit
import NIOConcurrencyHelpers
import SoukAccess
import SoukDomain

/// The Ed25519 keys access tokens are signed with: the newest signs, every stored key verifies (so a rotation
/// logs nobody out). Private keys are stored sealed with the data key ring; public keys are published as a JWKS.
final class SigningKeys: Sendable {
    private let store: any SigningKeyStore
    private let ring: DataKeyRing
    private let signer = NIOLockedValueBox<(kid: String, keys: JWTKeyCollection)?>(nil)

    init(store: any SigningKeyStore, ring: DataKeyRing) {
        self.store = store
        self.ring = ring
    }

    /// Makes the first key if there is none, and loads the newest for signing.
    func prepare() async throws {
        if try await self.store.signingKeys().isEmpty {
            _ = try await self.rotate()
        } else {
            try await self.loadNewest()
        }
    }

    /// Adds a new key and signs with it from now on; returns its id.
    func rotate() async throws -> String {
        let key = Curve25519.Signing.PrivateKey()
        let kid = "ed25519-" + UUID().uuidString.prefix(8).lowercased()
        let sealed = try self.ring.seal(key.rawRepresentation.base64EncodedString(), context: "signing-key/\(kid)")
        try await self.store.insertSigningKey(
            kid: kid,
            publicKey: key.publicKey.rawRepresentation.base64EncodedString(),
            privateSealed: sealed
        )
        try await self.loadNewest()
        return kid
    }

    /// The public keys, for ``AccessTokenVerifier``.
    func publicKeys() async throws -> [PublicSigningKey] {
        try await self.store.signingKeys().compactMap { row in
            Data(base64Encoded: row.publicKey).map { PublicSigningKey(id: row.kid, rawKey: Array($0)) }
        }
    }

    /// The JSON Web Key Set (RFC 7517/8037) of every stored key.
    func jwks() async throws -> String {
        let keys = try await self.publicKeys().map { key in
            [
                "kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA", "kid": key.id,
                "x": AccessTokenVerifier.base64URL(key.rawKey),
            ]
        }
        let data = try JSONSerialization.data(withJSONObject: ["keys": keys], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// Signs `claims` with the newest key.
    func sign(_ claims: AccessClaims) async throws -> String {
        guard let signer = self.signer.withLockedValue({ $0 }) else {
            throw IdentityError(.unavailable, "no signing key is loaded")
        }
        return try await signer.keys.sign(claims, kid: JWKIdentifier(string: signer.kid))
    }

    private func loadNewest() async throws {
        guard let newest = try await self.store.signingKeys().first else { return }
        let raw = try self.ring.open(newest.privateSealed, context: "signing-key/\(newest.kid)")
        guard let bytes = Data(base64Encoded: raw) else { throw IdentityError(.dataLoss, "a signing key is malformed") }
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
        let keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PrivateKey(backing: key), kid: JWKIdentifier(string: newest.kid))
        self.signer.withLockedValue { $0 = (newest.kid, keys) }
    }
}

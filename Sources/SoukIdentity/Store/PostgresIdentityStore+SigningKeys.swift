import Foundation
import Logging
import PostgresNIO
import SoukAccess
import SoukDomain
import SoukStorage

/// The signing keys tokens are verified with.
extension PostgresIdentityStore: SigningKeyStore {
    func signingKeys() async throws -> [(kid: String, publicKey: String, privateSealed: String)] {
        let rows = try await self.client.guardedQuery(
            "SELECT kid, public_key, private_key_sealed FROM identity.signing_keys ORDER BY created_at DESC, kid DESC",
            logger: self.logger
        )
        var keys: [(kid: String, publicKey: String, privateSealed: String)] = []
        for try await (kid, publicKey, sealed) in rows.decode((String, String, String).self) {
            keys.append((kid, publicKey, sealed))
        }
        return keys
    }

    func insertSigningKey(kid: String, publicKey: String, privateSealed: String) async throws {
        try await self.client.guardedQuery(
            "INSERT INTO identity.signing_keys (kid, public_key, private_key_sealed) VALUES (\(kid), \(publicKey), \(privateSealed))",
            logger: self.logger
        )
    }

    func replaceSealedSigningKey(kid: String, privateSealed: String) async throws {
        try await self.client.guardedQuery(
            "UPDATE identity.signing_keys SET private_key_sealed = \(privateSealed) WHERE kid = \(kid)",
            logger: self.logger
        )
    }
}

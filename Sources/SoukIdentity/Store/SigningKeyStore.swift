/// The keys access tokens are signed with; private keys are stored sealed.
protocol SigningKeyStore: Sendable {
    /// Every key, newest first.
    func signingKeys() async throws -> [(kid: String, publicKey: String, privateSealed: String)]

    /// Adds a key.
    func insertSigningKey(kid: String, publicKey: String, privateSealed: String) async throws

    /// Replaces a key's sealed private half (after re-encryption).
    func replaceSealedSigningKey(kid: String, privateSealed: String) async throws
}

import Foundation

/// Pending sign-ins with an external OpenID provider, and the accounts linked to its subjects.
protocol ExternalSignInStore: Sendable {
    /// Stores a pending sign-in under the hash of its state (and drops the expired ones).
    func insertExternalSignIn(stateHash: String, verifierSealed: String, nonce: String, expiresAt: Date) async throws

    /// Takes (deletes and returns) a pending sign-in: a state works once, and only before it expires.
    func takeExternalSignIn(stateHash: String) async throws -> (verifierSealed: String, nonce: String)?

    /// The account linked to `subject` at `issuer`.
    func linkedAccount(issuer: String, subject: String) async throws -> UUID?

    /// Links `subject` at `issuer` to an account (a link already there is kept).
    func link(issuer: String, subject: String, accountID: UUID) async throws
}

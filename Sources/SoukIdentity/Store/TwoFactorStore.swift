import Foundation

/// TOTP secrets and recovery codes.
protocol TwoFactorStore: Sendable {
    /// Stores a sealed secret not confirmed yet (only while two-factor is off).
    func setPendingTotp(id: UUID, sealed: String) async throws

    /// Turns two-factor on with the step of the confirming code and stores the recovery codes' hashes.
    func enableTotp(id: UUID, step: Int64, recoveryHashes: [String]) async throws

    /// Turns two-factor off, dropping the secret and the recovery codes.
    func disableTotp(id: UUID) async throws

    /// Records `step` as used if it is later than the last used one; false means a replayed code.
    func claimTotpStep(id: UUID, step: Int64) async throws -> Bool

    /// Marks an unused recovery code used; false when there is no such unused code.
    func useRecoveryCode(id: UUID, hash: String) async throws -> Bool
}

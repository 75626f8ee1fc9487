import Foundation

/// Service accounts for the client-credentials grant.
protocol ServiceAccountStore: Sendable {
    /// Inserts the account and its client credentials together.
    func insertServiceAccount(
        clientID: String,
        account: AccountRecord,
        secretHash: String,
        scopes: [String]
    )
        async throws

    /// The service account with `clientID`, its secret's hash, scopes and whether it is disabled.
    func serviceAccount(
        clientID: String
    ) async throws -> (accountID: UUID, secretHash: String, scopes: [String], disabled: Bool)?

    /// Replaces the scopes of the service account with `clientID`.
    func setServiceAccountScopes(clientID: String, scopes: [String]) async throws
}

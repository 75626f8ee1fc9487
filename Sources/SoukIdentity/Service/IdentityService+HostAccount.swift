import Foundation
package import SoukAPI
package import SoukAccess
import SoukStorage

extension IdentityService {
    /// The client id of the host's own service account.
    package static let hostClientID = "svc-host"

    /// A token for the host's own service account (``hostClientID``), for the calls co-hosted domains make as
    /// themselves when no `--service-client-id` is configured: the account is created on first use with a secret
    /// nobody is told (it never signs in by the grant), and its scopes grow to cover `scopes`, what the domains
    /// hosted here declare they need. Only a process that hosts identity, and so holds its signing keys, mints
    /// these tokens.
    ///
    /// - Throws: ``IdentityError`` when an admin disabled the account.
    package func hostServiceToken(scopes: Set<Permission>) async throws -> Souk_Identity_V1_ClientCredentialsResponse {
        let wanted = Set(scopes.map(\.rawValue))
        var existing = try await self.store.serviceAccount(clientID: Self.hostClientID)
        if existing == nil {
            var profile = Souk_Identity_V1_Profile()
            profile.displayName = "souk host"
            let account = try self.newAccount(
                email: "\(Self.hostClientID)@service.souk.invalid",
                roles: [.service],
                profile: profile
            )
            do {
                try await self.store.insertServiceAccount(
                    clientID: Self.hostClientID,
                    account: account,
                    secretHash: Secrets.hash(Secrets.token()),
                    scopes: wanted.sorted()
                )
                await self.audit(
                    "service_account.created",
                    account: account.id,
                    actor: nil,
                    address: "",
                    detail: Self.hostClientID
                )
            } catch let error where SQLState(of: error) == .uniqueViolation {
                // Another host on the same database created it first.
            }
            existing = try await self.store.serviceAccount(clientID: Self.hostClientID)
        }
        guard let existing else { throw IdentityError.unauthenticated("the host's service account could not be made") }
        guard !existing.disabled else {
            throw IdentityError.permissionDenied("the host's service account \(Self.hostClientID) is disabled")
        }
        let granted = Set(existing.scopes)
        if !wanted.isSubset(of: granted) {
            try await self.store.setServiceAccountScopes(
                clientID: Self.hostClientID,
                scopes: granted.union(wanted).sorted()
            )
        }
        return try await self.serviceToken(account: existing.accountID, scopes: wanted)
    }
}

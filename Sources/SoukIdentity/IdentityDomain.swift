package import GRPCCore
import SoukAPI
package import SoukAccess
package import SoukDomain
package import SoukStorage

private typealias Identity = Souk_Identity_V1_IdentityService.Method

/// The identity domain: accounts, sessions, two-factor, keys and the audit log (`--services identity`).
///
/// The host builds the ``IdentityService`` itself, because it is also the key source of every token verifier,
/// and hands it over through ``DomainContext/settings``.
package struct IdentityDomain: Domain {
    package static let name = "identity"
    package static let serviceDescriptors = [Souk_Identity_V1_IdentityService.descriptor]
    package static let migrations = [IdentityMigrations.schema]

    package static let accessPolicy: [MethodDescriptor: AccessRequirement] = {
        var rules: [MethodDescriptor: AccessRequirement] = [:]
        for method in [
            Identity.SignUp.descriptor, Identity.Login.descriptor, Identity.Refresh.descriptor,
            Identity.ClientCredentials.descriptor, Identity.GetJwks.descriptor,
            Identity.BeginExternalSignIn.descriptor, Identity.CompleteExternalSignIn.descriptor,
        ] {
            rules[method] = .anyone
        }
        for method in [
            Identity.Logout.descriptor, Identity.GetMyAccount.descriptor, Identity.UpdateMyProfile.descriptor,
            Identity.ListMySessions.descriptor, Identity.RevokeMySession.descriptor, Identity.ChangePassword.descriptor,
            Identity.BeginTotpEnrollment.descriptor, Identity.ConfirmTotpEnrollment.descriptor,
            Identity.DisableTotp.descriptor,
        ] {
            rules[method] = .permission(.ownAccount)
        }
        for method in [Identity.GetAccount.descriptor, Identity.ListAccounts.descriptor] {
            rules[method] = .permission(.readAccounts)
        }
        for method in [
            Identity.CreateAccount.descriptor, Identity.SetAccountDisabled.descriptor, Identity.SetRoles.descriptor,
            Identity.CreateServiceAccount.descriptor,
        ] {
            rules[method] = .permission(.manageAccounts)
        }
        rules[Identity.RotateSigningKey.descriptor] = .permission(.manageKeys)
        rules[Identity.ListAuditEvents.descriptor] = .permission(.readAudit)
        return rules
    }()

    package static let allowedBeforePasswordChange: Set<MethodDescriptor> = [
        Identity.ChangePassword.descriptor, Identity.GetMyAccount.descriptor, Identity.Logout.descriptor,
    ]

    let identity: IdentityService

    /// - Throws: ``IdentityError`` when the host put no ``IdentityService`` in the settings.
    package static func make(context: DomainContext) throws -> Self {
        guard let identity = context.settings[IdentityService.self] else {
            throw IdentityError.failedPrecondition("the host gave the identity domain no IdentityService")
        }
        return Self(identity: identity)
    }

    package var services: [any RegistrableRPCService] { [self.identity] }

    package func prepare() async throws {
        try await self.identity.prepare()
    }
}

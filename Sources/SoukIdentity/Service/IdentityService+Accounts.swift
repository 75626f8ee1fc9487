import Foundation
package import GRPCCore
package import SoukAPI
import SoukAccess
import SoukDomain

extension IdentityService {
    package func signUp(
        request: Souk_Identity_V1_SignUpRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_SignUpResponse {
        let email = try ProfileValidation.email(request.email)
        try PasswordPolicy.check(request.password, email: email)
        var account = try self.newAccount(email: email, roles: [.customer], profile: request.profile)
        account.passwordHash = try await self.hasher.hash(request.password)
        try await self.store.insert(account)
        await self.audit(
            "account.created",
            account: account.id,
            actor: account.id,
            address: Self.clientAddress(context),
            detail: "sign-up"
        )
        var response = Souk_Identity_V1_SignUpResponse()
        response.account = try self.message(for: account)
        return response
    }

    package func getMyAccount(
        request: Souk_Identity_V1_GetMyAccountRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_AccountResponse {
        let (_, account) = try await self.callerAccount()
        var response = Souk_Identity_V1_AccountResponse()
        response.account = try self.message(for: account)
        return response
    }

    package func updateMyProfile(
        request: Souk_Identity_V1_UpdateMyProfileRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_AccountResponse {
        let (_, account) = try await self.callerAccount()
        let updated = try self.apply(request.profile, to: account)
        try await self.store.updateProfile(
            id: updated.id,
            displayName: updated.displayName,
            phoneSealed: updated.phoneSealed,
            addressesSealed: updated.addressesSealed,
            currency: updated.preferredCurrency,
            locale: updated.locale
        )
        var response = Souk_Identity_V1_AccountResponse()
        response.account = try self.message(for: updated)
        return response
    }

    package func getAccount(
        request: Souk_Identity_V1_GetAccountRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_AccountResponse {
        let account = try await self.account(named: request.accountID)
        var response = Souk_Identity_V1_AccountResponse()
        response.account = try self.message(for: account)
        return response
    }

    package func listAccounts(
        request: Souk_Identity_V1_ListAccountsRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_ListAccountsResponse {
        let size = request.pageSize == 0 ? 50 : Int(request.pageSize)
        guard (1...200).contains(size) else { throw IdentityError.invalidArgument("page_size: 1…200 (0 means 50)") }
        let after = request.pageToken.isEmpty ? nil : try Self.accountID(request.pageToken, field: "page_token")
        let role: String?
        switch request.role {
        case .unspecified: role = nil
        case .customer: role = RoleName.customer.rawValue
        case .staff: role = RoleName.staff.rawValue
        case .admin: role = RoleName.admin.rawValue
        case .service: role = RoleName.service.rawValue
        case .UNRECOGNIZED(let value): throw IdentityError.invalidArgument("role: unknown value \(value)")
        }
        let page = try await self.store.accounts(role: role, after: after, limit: size + 1)
        var response = Souk_Identity_V1_ListAccountsResponse()
        response.accounts = try page.prefix(size).map { try self.message(for: $0) }
        if page.count > size, let last = page.prefix(size).last {
            response.nextPageToken = last.id.uuidString.lowercased()
        }
        return response
    }

    package func createAccount(
        request: Souk_Identity_V1_CreateAccountRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_CreateAccountResponse {
        let (caller, callerID) = try self.requireCaller()
        let email = try ProfileValidation.email(request.email)
        guard !request.roles.isEmpty else { throw IdentityError.invalidArgument("roles: give at least one role") }
        let roles = try Set(request.roles.map { try Self.roleName($0, field: "roles") })
        let password = Secrets.oneTimePassword()
        var account = try self.newAccount(email: email, roles: roles, profile: request.profile)
        account.passwordHash = try await self.hasher.hash(password)
        account.passwordChangeRequired = true
        try await self.store.insert(account)
        await self.audit(
            "account.created",
            account: account.id,
            actor: callerID,
            address: caller.clientAddress,
            detail: "roles: \(roles.sorted().map(\.rawValue).joined(separator: ","))"
        )
        var response = Souk_Identity_V1_CreateAccountResponse()
        response.account = try self.message(for: account)
        response.initialPassword = password
        return response
    }

    package func setAccountDisabled(
        request: Souk_Identity_V1_SetAccountDisabledRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_AccountResponse {
        let (caller, callerID) = try self.requireCaller()
        let id = try await self.account(named: request.accountID).id
        guard id != callerID else {
            throw IdentityError.failedPrecondition("account_id: admins cannot disable themselves")
        }
        try await self.store.setDisabled(id: id, disabled: request.disabled)
        await self.audit(
            request.disabled ? "account.disabled" : "account.enabled",
            account: id,
            actor: callerID,
            address: caller.clientAddress
        )
        return try await self.accountResponse(id)
    }

    package func setRoles(
        request: Souk_Identity_V1_SetRolesRequest,
        context: ServerContext
    ) async throws -> Souk_Identity_V1_AccountResponse {
        let (caller, callerID) = try self.requireCaller()
        guard !request.roles.isEmpty else { throw IdentityError.invalidArgument("roles: give at least one role") }
        let roles = try Set(request.roles.map { try Self.roleName($0, field: "roles") })
        let account = try await self.account(named: request.accountID)
        let id = account.id
        guard !account.roleNames.contains(.service) else {
            throw IdentityError.failedPrecondition("account_id: service accounts get scopes, not roles")
        }
        if id == callerID, !roles.contains(.admin) {
            throw IdentityError.failedPrecondition("roles: admins cannot remove their own admin role")
        }
        try await self.store.setRoles(id: id, roles: roles.sorted().map(\.rawValue))
        if roles != account.roleNames {
            // Tokens carry the roles: the account's sessions end, so the old roles stop working everywhere now
            // rather than when the tokens expire (the caller's own session too, when they change their roles).
            try await self.store.revokeSessions(accountID: id, except: nil, reason: "roles changed")
        }
        await self.audit(
            "roles.changed",
            account: id,
            actor: callerID,
            address: caller.clientAddress,
            detail:
                "\(account.roleNames.sorted().map(\.rawValue).joined(separator: ",")) → \(roles.sorted().map(\.rawValue).joined(separator: ","))"
        )
        return try await self.accountResponse(id)
    }

    /// Creates the first admin, once: refused when any admin exists. Returns the one-time password.
    package func bootstrapAdmin(email rawEmail: String) async throws -> String {
        let email = try ProfileValidation.email(rawEmail)
        guard try await !self.store.hasAdmin() else {
            throw IdentityError.failedPrecondition("an admin already exists; admins create further accounts")
        }
        let password = Secrets.oneTimePassword()
        var account = try self.newAccount(email: email, roles: [.admin], profile: Souk_Identity_V1_Profile())
        account.passwordHash = try await self.hasher.hash(password)
        account.passwordChangeRequired = true
        try await self.store.insert(account)
        await self.audit("account.created", account: account.id, actor: nil, address: "", detail: "bootstrap admin")
        return password
    }

    // MARK: Helpers

    func newAccount(email: String, roles: Set<RoleName>, profile: Souk_Identity_V1_Profile) throws -> AccountRecord {
        let blank = AccountRecord(
            id: UUID(),
            email: email,
            passwordHash: nil,
            displayName: "",
            phoneSealed: nil,
            addressesSealed: nil,
            preferredCurrency: "RUB",
            locale: "ru-RU",
            roles: roles.sorted().map(\.rawValue),
            disabled: false,
            passwordChangeRequired: false,
            totpSecretSealed: nil,
            totpEnabled: false,
            totpLastStep: 0,
            createdAt: Date()
        )
        return try self.apply(profile, to: blank)
    }

    /// `account` with the profile's fields validated and applied, personal ones sealed.
    func apply(_ profile: Souk_Identity_V1_Profile, to account: AccountRecord) throws -> AccountRecord {
        var account = account
        account.displayName = try ProfileValidation.displayName(profile.displayName)
        account.phoneSealed = try ProfileValidation.phone(profile.phone).map {
            try self.ring.seal($0, context: "account/\(account.id)/phone")
        }
        try ProfileValidation.addresses(profile.addresses)
        account.addressesSealed =
            profile.addresses.isEmpty
            ? nil
            : try self.ring.seal(Self.encodeAddresses(profile.addresses), context: "account/\(account.id)/addresses")
        account.preferredCurrency = try ProfileValidation.currency(profile.preferredCurrency)
        account.locale = try ProfileValidation.locale(profile.locale)
        return account
    }

    func accountResponse(_ id: UUID) async throws -> Souk_Identity_V1_AccountResponse {
        guard let account = try await self.store.account(id: id) else {
            throw IdentityError.notFound("account \(id) is gone")
        }
        var response = Souk_Identity_V1_AccountResponse()
        response.account = try self.message(for: account)
        return response
    }

    /// The account `text` names, as staff paste it: an id, the start of one as a table cut it (``IDPrefix``), or an
    /// email address.
    ///
    /// - Throws: NOT_FOUND when none matches; INVALID_ARGUMENT when `text` is none of the three, or a prefix that
    ///   several accounts start with (the message says to give more of it).
    func account(named text: String) async throws -> AccountRecord {
        let field = "account_id"
        let found: AccountRecord?
        if let id = UUID(uuidString: text) {
            found = try await self.store.account(id: id)
        } else if text.contains("@") {
            found = try await self.store.account(email: text.trimmingCharacters(in: .whitespaces))
        } else if let prefix = IDPrefix.parse(text) {
            let matches = try await self.store.accounts(idPrefix: prefix, limit: 2)
            guard matches.count < 2 else {
                throw IdentityError.invalidArgument(
                    "\(field): several accounts start with \(prefix); give more of the id"
                )
            }
            found = matches.first
        } else {
            throw IdentityError.invalidArgument(
                "\(field): '\(text.prefix(40))' is not an account id, the start of one "
                    + "(at least \(IDPrefix.shortest) characters) or an email"
            )
        }
        guard let found else { throw IdentityError.notFound("\(field): no account \(text.prefix(80))") }
        return found
    }

    static func accountID(_ text: String, field: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw IdentityError.invalidArgument("\(field): '\(text.prefix(40))' is not an account id")
        }
        return id
    }
}

import Foundation
import GRPCCore
import SoukAPI
import SoukIdentity
import TestSupport
import Testing

@Suite("Identity service against PostgreSQL, over SWP")
struct IdentityServiceTests {
    @Test("sign up, log in, read the own account; bad input gets precise statuses")
    func signUpAndLogin() async throws {
        try await IdentityHarness.with { harness in
            let tokens = try await harness.customer(email: "Ann@Example.com", phone: "+7 999 123-45-67")
            let me = try await harness.identity.getMyAccount(
                Souk_Identity_V1_GetMyAccountRequest(),
                metadata: IdentityHarness.bearer(tokens.accessToken)
            )
            #expect(me.account.email == "Ann@Example.com")
            #expect(me.account.phone == "+79991234567")
            #expect(me.account.roles == [.customer])

            var duplicate = Souk_Identity_V1_SignUpRequest()
            duplicate.email = "ann@EXAMPLE.com"
            duplicate.password = "another good password"
            let taken = await rpcError { _ = try await harness.identity.signUp(duplicate) }
            #expect(taken?.code == .alreadyExists)

            var weak = Souk_Identity_V1_SignUpRequest()
            weak.email = "bob@example.com"
            weak.password = "short"
            let short = await rpcError { _ = try await harness.identity.signUp(weak) }
            #expect(short?.code == .invalidArgument)
            #expect(short?.message.hasPrefix("password:") == true)
            weak.password = String(repeating: "x1y2", count: 100)
            let long = await rpcError { _ = try await harness.identity.signUp(weak) }
            #expect(long?.message.contains("at most 256 bytes") == true)

            var malformed = Souk_Identity_V1_SignUpRequest()
            malformed.email = "not an email"
            malformed.password = "a perfectly fine password"
            let badEmail = await rpcError { _ = try await harness.identity.signUp(malformed) }
            #expect(badEmail?.code == .invalidArgument)
            #expect(badEmail?.message.hasPrefix("email:") == true)

            // Wrong password and unknown email: the same code and the same words.
            let wrong = await rpcError {
                _ = try await harness.login(email: "ann@example.com", password: "wrong password!!")
            }
            let unknown = await rpcError {
                _ = try await harness.login(email: "nobody@example.com", password: "wrong password!!")
            }
            #expect(wrong?.code == .unauthenticated)
            #expect(wrong?.code == unknown?.code)
            #expect(wrong?.message == unknown?.message)
        }
    }

    @Test("customers are refused admin methods and other people's records; no token, no call")
    func accessControl() async throws {
        try await IdentityHarness.with { harness in
            let ann = try await harness.customer(email: "ann@example.com")
            let bob = try await harness.customer(email: "bob@example.com")
            let bobID = try await harness.identity.getMyAccount(
                Souk_Identity_V1_GetMyAccountRequest(),
                metadata: IdentityHarness.bearer(bob.accessToken)
            ).account.id

            let list = await rpcError {
                _ = try await harness.identity.listAccounts(
                    Souk_Identity_V1_ListAccountsRequest(),
                    metadata: IdentityHarness.bearer(ann.accessToken)
                )
            }
            #expect(list?.code == .permissionDenied)
            var other = Souk_Identity_V1_GetAccountRequest()
            other.accountID = bobID
            let peek = await rpcError {
                _ = try await harness.identity.getAccount(other, metadata: IdentityHarness.bearer(ann.accessToken))
            }
            #expect(peek?.code == .permissionDenied)
            // Revoking someone else's session: not found among the caller's own.
            var revoke = Souk_Identity_V1_RevokeMySessionRequest()
            revoke.sessionID = bob.sessionID
            let foreign = await rpcError {
                _ = try await harness.identity.revokeMySession(
                    revoke,
                    metadata: IdentityHarness.bearer(ann.accessToken)
                )
            }
            #expect(foreign?.code == .notFound)

            let anonymous = await rpcError {
                _ = try await harness.identity.getMyAccount(Souk_Identity_V1_GetMyAccountRequest())
            }
            #expect(anonymous?.code == .unauthenticated)
        }
    }

    @Test("the bootstrap admin must change the one-time password, then manages accounts; the audit log shows it")
    func adminFlow() async throws {
        try await IdentityHarness.with { harness in
            let oneTime = try await harness.bootstrap(email: "root@souk.example")
            let first = try await harness.login(email: "root@souk.example", password: oneTime)
            let early = await rpcError {
                _ = try await harness.identity.listAccounts(
                    Souk_Identity_V1_ListAccountsRequest(),
                    metadata: IdentityHarness.bearer(first.tokens.accessToken)
                )
            }
            #expect(early?.code == .permissionDenied)
            #expect(early?.message.contains("one-time password") == true)
            let again = await #expect(throws: IdentityError.self) {
                try await harness.bootstrap(email: "second@souk.example")
            }
            #expect(again?.code == .failedPrecondition)

            var change = Souk_Identity_V1_ChangePasswordRequest()
            change.currentPassword = oneTime
            change.newPassword = "admin password 2026!"
            _ = try await harness.identity.changePassword(
                change,
                metadata: IdentityHarness.bearer(first.tokens.accessToken)
            )
            let admin = try await harness.login(email: "root@souk.example", password: "admin password 2026!").tokens
            let auth = IdentityHarness.bearer(admin.accessToken)

            var create = Souk_Identity_V1_CreateAccountRequest()
            create.email = "clerk@souk.example"
            create.roles = [.staff]
            let created = try await harness.identity.createAccount(create, metadata: auth)
            #expect(created.initialPassword.count == 20)
            var roles = Souk_Identity_V1_SetRolesRequest()
            roles.accountID = created.account.id
            roles.roles = [.staff, .admin]
            let promoted = try await harness.identity.setRoles(roles, metadata: auth)
            #expect(Set(promoted.account.roles) == [.staff, .admin])

            var staffOnly = Souk_Identity_V1_ListAccountsRequest()
            staffOnly.role = .admin
            let admins = try await harness.identity.listAccounts(staffOnly, metadata: auth)
            #expect(Set(admins.accounts.map(\.email)) == ["root@souk.example", "clerk@souk.example"])

            let audit = try await harness.identity.listAuditEvents(
                Souk_Identity_V1_ListAuditEventsRequest(),
                metadata: auth
            )
            let kinds = Set(audit.events.map(\.kind))
            #expect(kinds.isSuperset(of: ["account.created", "login.ok", "password.changed", "roles.changed"]))
        }
    }

    @Test("staff name an account by its id, the start of it as a table cut it, or its email; other text is refused")
    func accountByName() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            _ = try await harness.customer(email: "named@example.com")
            func get(_ text: String) async throws -> Souk_Identity_V1_Account {
                var request = Souk_Identity_V1_GetAccountRequest()
                request.accountID = text
                return try await harness.identity.getAccount(request, metadata: admin).account
            }
            let account = try await get("Named@Example.com ")
            #expect(account.email == "named@example.com")
            #expect(try await get(account.id).id == account.id)
            #expect(try await get(String(account.id.prefix(8)) + "…").id == account.id)
            #expect(try await get(String(account.id.prefix(6)).uppercased()).id == account.id)

            var disable = Souk_Identity_V1_SetAccountDisabledRequest()
            disable.accountID = "named@example.com"
            disable.disabled = true
            #expect(try await harness.identity.setAccountDisabled(disable, metadata: admin).account.disabled)
            var roles = Souk_Identity_V1_SetRolesRequest()
            roles.accountID = String(account.id.prefix(13))
            roles.roles = [.staff]
            #expect(try await harness.identity.setRoles(roles, metadata: admin).account.roles == [.staff])

            for (text, code) in [
                ("abc", RPCError.Code.invalidArgument), ("not-an-id!", .invalidArgument),
                ("nobody@example.com", .notFound), (String(account.id.prefix(5)), .invalidArgument),
            ] {
                let error = await rpcError { _ = try await get(text) }
                #expect(error?.code == code, "\(text)")
                #expect(error?.message.hasPrefix("account_id: ") == true, "\(text)")
            }
        }
    }

    @Test("a refresh token rotates on use; presenting a used one ends the whole session")
    func refreshRotation() async throws {
        try await IdentityHarness.with { harness in
            let first = try await harness.customer(email: "ann@example.com")
            var refresh = Souk_Identity_V1_RefreshRequest()
            refresh.refreshToken = first.refreshToken
            let second = try await harness.identity.refresh(refresh).tokens
            #expect(second.refreshToken != first.refreshToken)
            #expect(second.sessionID == first.sessionID)

            let replay = await rpcError { _ = try await harness.identity.refresh(refresh) }
            #expect(replay?.code == .unauthenticated)
            #expect(replay?.message.contains("already used") == true)
            refresh.refreshToken = second.refreshToken
            let family = await rpcError { _ = try await harness.identity.refresh(refresh) }
            #expect(family?.code == .unauthenticated, "the newer token of the same session is revoked too")
        }
    }

    @Test("five wrong passwords, then even the right one is throttled")
    func throttling() async throws {
        try await IdentityHarness.with { harness in
            _ = try await harness.customer(email: "ann@example.com")
            for _ in 0..<5 {
                let wrong = await rpcError {
                    _ = try await harness.login(email: "ann@example.com", password: "not the password")
                }
                #expect(wrong?.code == .unauthenticated)
            }
            let blocked = await rpcError {
                _ = try await harness.login(email: "ann@example.com", password: "correct horse battery")
            }
            #expect(blocked?.code == .resourceExhausted)
            // Another account from the same address is not affected below the address limit.
            _ = try await harness.customer(email: "bob@example.com")
        }
    }
}

@Suite("Sessions and disabled accounts")
struct SessionTests {
    @Test("people list and revoke their own sessions; a revoked session cannot refresh; logout ends the session")
    func ownSessions() async throws {
        try await IdentityHarness.with { harness in
            let phone = try await harness.customer(email: "ann@example.com")
            let laptop = try await harness.login(email: "ann@example.com", password: "correct horse battery").tokens
            let auth = IdentityHarness.bearer(laptop.accessToken)
            let sessions = try await harness.identity.listMySessions(
                Souk_Identity_V1_ListMySessionsRequest(),
                metadata: auth
            )
            #expect(Set(sessions.sessions.map(\.id)) == [phone.sessionID, laptop.sessionID])
            #expect(sessions.sessions.first { $0.current }?.id == laptop.sessionID)

            var revoke = Souk_Identity_V1_RevokeMySessionRequest()
            revoke.sessionID = phone.sessionID
            _ = try await harness.identity.revokeMySession(revoke, metadata: auth)
            var refresh = Souk_Identity_V1_RefreshRequest()
            refresh.refreshToken = phone.refreshToken
            let revoked = await rpcError { _ = try await harness.identity.refresh(refresh) }
            #expect(revoked?.code == .unauthenticated)

            _ = try await harness.identity.logout(Souk_Identity_V1_LogoutRequest(), metadata: auth)
            var change = Souk_Identity_V1_ChangePasswordRequest()
            change.currentPassword = "correct horse battery"
            change.newPassword = "an even better password"
            let sensitive = await rpcError { _ = try await harness.identity.changePassword(change, metadata: auth) }
            #expect(sensitive?.code == .unauthenticated, "security-sensitive calls check the session at once")
            // Every other call, in any service, refuses the ended session's token too, within about a second (not
            // when it expires).
            let refused = try await Self.refusedSoon(auth, harness)
            #expect(refused.code == .unauthenticated && refused.message == "the session has ended; sign in again")
            let phoneRefused = try await Self.refusedSoon(IdentityHarness.bearer(phone.accessToken), harness)
            #expect(phoneRefused.code == .unauthenticated)
        }
    }

    /// The error a call with `auth` gets once the verifier has seen the session's revocation (it looks once a
    /// second); `GetMyAccount` checks the account, not the session, so only the verifier refuses it. Fails the
    /// test if the call still succeeds after ten seconds (a generous bound: a busy machine may be slow to look).
    static func refusedSoon(_ auth: Metadata, _ harness: IdentityHarness) async throws -> RPCError {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let error = await rpcError({ _ = try await harness.identity.getMyAccount(.init(), metadata: auth) }) {
                return error
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("a revoked session's token still works after 10 s")
        return RPCError(code: .unknown, message: "still accepted")
    }

    @Test("changing someone's roles ends their sessions, so the old roles stop working within about a second")
    func rolesChangeEndsSessions() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            var create = Souk_Identity_V1_CreateAccountRequest()
            create.email = "packer@example.com"
            create.roles = [.staff]
            let created = try await harness.identity.createAccount(create, metadata: admin)
            let first = try await harness.login(email: "packer@example.com", password: created.initialPassword)
            var change = Souk_Identity_V1_ChangePasswordRequest()
            change.currentPassword = created.initialPassword
            change.newPassword = "boxes and tape forever"
            _ = try await harness.identity.changePassword(
                change,
                metadata: IdentityHarness.bearer(first.tokens.accessToken)
            )
            let staff = try await harness.login(email: "packer@example.com", password: "boxes and tape forever")
            let auth = IdentityHarness.bearer(staff.tokens.accessToken)
            _ = try await harness.orders.listOrders(.init(), metadata: auth)

            var roles = Souk_Identity_V1_SetRolesRequest()
            roles.accountID = created.account.id
            roles.roles = [.customer]
            _ = try await harness.identity.setRoles(roles, metadata: admin)
            let refused = try await Self.refusedSoon(auth, harness)
            #expect(refused.code == .unauthenticated)
            var refresh = Souk_Identity_V1_RefreshRequest()
            refresh.refreshToken = staff.tokens.refreshToken
            #expect(await rpcError { _ = try await harness.identity.refresh(refresh) }?.code == .unauthenticated)
            // Signing in again gives a token with the new roles only.
            let again = try await harness.login(email: "packer@example.com", password: "boxes and tape forever")
            let denied = await rpcError {
                _ = try await harness.orders.listOrders(
                    .init(),
                    metadata: IdentityHarness.bearer(again.tokens.accessToken)
                )
            }
            #expect(denied?.code == .permissionDenied)
            // Setting the same roles again ends nothing. A session ended after it (another admin sign-in, logged
            // out) is refused once the verifier has looked again, and by then the verifier has seen whatever the
            // repeated SetRoles ended too.
            let probe = IdentityHarness.bearer(
                try await harness.login(email: "root@souk.example", password: "admin password 2026!").tokens.accessToken
            )
            _ = try await harness.identity.setRoles(roles, metadata: admin)
            _ = try await harness.identity.logout(Souk_Identity_V1_LogoutRequest(), metadata: probe)
            _ = try await Self.refusedSoon(probe, harness)
            _ = try await harness.identity.getMyAccount(
                .init(),
                metadata: IdentityHarness.bearer(again.tokens.accessToken)
            )
        }
    }

    @Test("a disabled account cannot sign in or refresh; enabling it again restores sign-in")
    func disabling() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let customer = try await harness.customer(email: "ann@example.com")
            let id = try await harness.identity.getMyAccount(
                Souk_Identity_V1_GetMyAccountRequest(),
                metadata: IdentityHarness.bearer(customer.accessToken)
            ).account.id
            var disable = Souk_Identity_V1_SetAccountDisabledRequest()
            disable.accountID = id
            disable.disabled = true
            #expect(try await harness.identity.setAccountDisabled(disable, metadata: admin).account.disabled)

            let login = await rpcError {
                _ = try await harness.login(email: "ann@example.com", password: "correct horse battery")
            }
            #expect(login?.code == .permissionDenied)
            var refresh = Souk_Identity_V1_RefreshRequest()
            refresh.refreshToken = customer.refreshToken
            let renewed = await rpcError { _ = try await harness.identity.refresh(refresh) }
            #expect(renewed?.code == .unauthenticated)

            disable.disabled = false
            _ = try await harness.identity.setAccountDisabled(disable, metadata: admin)
            _ = try await harness.login(email: "ann@example.com", password: "correct horse battery")

            var unknown = Souk_Identity_V1_SetAccountDisabledRequest()
            unknown.accountID = "not-a-uuid"
            let bad = await rpcError { _ = try await harness.identity.setAccountDisabled(unknown, metadata: admin) }
            #expect(bad?.code == .invalidArgument)
        }
    }
}

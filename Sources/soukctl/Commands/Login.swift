import ArgumentParser
import GRPCCore
import SoukAPI
import SoukCtlKit

/// `soukctl login --email E`: password, then a two-factor code when the account has one, then a new password
/// when the one it has is a one-time password.
struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Log in to the current context and save the session (mode 0600).",
        discussion: """
            Reads the password from the terminal without echo, or as the first line of standard input with \
            --password-stdin. When the account has two-factor on, asks for the code (or reads the next line with \
            --totp-stdin, or takes --totp). When the password is a one-time password, asks for a new one (or reads \
            the next line with --new-password-stdin).
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "The account's email.") var email: String
    @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false
    @Option(help: "The current two-factor code (scripts).") var totp: String?
    @Flag(help: "Read the two-factor code from the next line of standard input.") var totpStdin = false
    @Flag(help: "Read a new password (replacing a one-time password) from the next line of standard input.")
    var newPasswordStdin = false

    func run() async throws {
        try await reportingErrors {
            let session = try Session(self.global)
            let password =
                try self.passwordStdin
                ? Self.stdinLine("password")
                : Terminal.readSecret(
                    prompt: "Password for \(self.email): ",
                    scriptFlag: "--password-stdin"
                )
            var request = Souk_Identity_V1_LoginRequest()
            request.email = self.email
            request.password = password
            request.totpCode = self.totp ?? ""
            let response: Souk_Identity_V1_LoginResponse
            do {
                response = try await session.anonymous(mapErrors: false) { api in
                    try await api.identity.login(request, options: api.options)
                }
            } catch let error as RPCError
                where error.code == .unauthenticated && error.message.contains("two-factor")
                && request.totpCode.isEmpty
            {
                if !self.totpStdin && !Terminal.isTTY(0) {
                    throw CtlError(
                        .auth,
                        "this account needs a two-factor code",
                        hint: "pass --totp CODE or --totp-stdin"
                    )
                }
                request.totpCode =
                    try self.totpStdin
                    ? Self.stdinLine("two-factor code")
                    : Terminal.ask(prompt: "Two-factor code: ", scriptFlag: "--totp")
                response = try await session.anonymous { api in
                    try await api.identity.login(request, options: api.options)
                }
            } catch let error as RPCError {
                throw CtlError(rpcError: error, endpoint: session.endpoint.description)
            }
            var credentials = Credentials(tokens: response.tokens, email: response.account.email)
            try credentials.save(context: session.context.name, to: session.folder)
            if TokenClaims(token: credentials.accessToken)?.mustChangePassword == true {
                guard self.newPasswordStdin || Terminal.isTTY(0) else {
                    Printer.note(
                        "soukctl: logged in, but this one-time password must be changed before anything else; "
                            + "run `soukctl password change`"
                    )
                    return
                }
                let newPassword = try self.newPasswordStdin ? Self.stdinLine("new password") : PasswordCommand.askNew()
                credentials = try await PasswordCommand.change(session: session, current: password, new: newPassword)
                Printer.note("the one-time password was changed")
            }
            let roles = Users.roleNames(response.account.roles)
            Printer.line("logged in to \(session.context.name) as \(response.account.email) (\(roles))")
        }
    }

    /// The next line of standard input, or a usage error naming what was expected.
    static func stdinLine(_ what: String) throws -> String {
        guard let line = Terminal.readLine(), !line.isEmpty else {
            throw CtlError(.usage, "expected the \(what) on standard input", hint: "pipe it in, one value per line")
        }
        return line
    }
}

/// `soukctl logout`: ends the session on the server and deletes the saved login.
struct Logout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "End the session and delete the saved login.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let session = try Session(self.global)
            guard try Credentials.load(context: session.context.name, from: session.folder) != nil else {
                Printer.line("not logged in to \(session.context.name)")
                return
            }
            // The local login goes whatever the server says: a revoked or expired session is as good as ended.
            defer { Credentials.delete(context: session.context.name, from: session.folder) }
            do {
                _ = try await session.authenticated { api in
                    try await api.identity.logout(Souk_Identity_V1_LogoutRequest(), options: api.options)
                }
            } catch let error as CtlError where error.code == .auth {
                // Already expired or revoked on the server.
            }
            Printer.line("logged out of \(session.context.name)")
        }
    }
}

/// `soukctl whoami`: the account of the saved login.
struct Whoami: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show who is logged in: email, roles, account id.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let session = try Session(self.global)
            let account = try await session.authenticated { api in
                try await api.identity.getMyAccount(Souk_Identity_V1_GetMyAccountRequest(), options: api.options)
                    .account
            }
            if self.global.isJSON { return try Printer.json(account) }
            Printer.fields([
                ("email", account.email), ("roles", Users.roleNames(account.roles)), ("account", account.id),
                ("two-factor", account.totpEnabled ? "on" : "off"),
                ("context", "\(session.context.name) (\(session.context.endpoint))"),
            ])
        }
    }
}

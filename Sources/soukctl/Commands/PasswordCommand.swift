import ArgumentParser
import SoukAPI
import SoukCtlKit

/// `soukctl password change`: a new password for the logged-in account.
struct PasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password",
        abstract: "Change the logged-in account's password.",
        subcommands: [Change.self]
    )

    struct Change: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change the password (other sessions of the account are ended).",
            discussion: "With --stdin, standard input holds the current password, then the new one, one per line."
        )

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Read the current and the new password from standard input, one per line.") var stdin = false

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let current =
                    try self.stdin
                    ? Login.stdinLine("current password")
                    : Terminal.readSecret(
                        prompt: "Current password: ",
                        scriptFlag: "--stdin"
                    )
                let new = try self.stdin ? Login.stdinLine("new password") : PasswordCommand.askNew()
                try await PasswordCommand.change(session: session, current: current, new: new)
                Printer.line("password changed; other sessions of this account were ended")
            }
        }
    }

    /// Asks for a new password twice on the terminal.
    static func askNew() throws -> String {
        let first = try Terminal.readSecret(prompt: "New password: ", scriptFlag: "--new-password-stdin")
        let second = try Terminal.readSecret(prompt: "New password again: ", scriptFlag: "--new-password-stdin")
        guard first == second else { throw CtlError(.usage, "the two new passwords differ", hint: "try again") }
        return first
    }

    /// Changes the password, then renews the tokens so they no longer carry the one-time-password mark.
    @discardableResult
    static func change(session: Session, current: String, new: String) async throws -> Credentials {
        var request = Souk_Identity_V1_ChangePasswordRequest()
        request.currentPassword = current
        request.newPassword = new
        _ = try await session.authenticated { api in
            try await api.identity.changePassword(request, options: api.options)
        }
        guard let credentials = try Credentials.load(context: session.context.name, from: session.folder) else {
            throw CtlError.notLoggedIn(context: session.context.name)
        }
        return try await session.refresh(credentials)
    }
}

/// `soukctl totp begin|confirm|disable`: two-factor sign-in for the logged-in account.
struct TotpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "totp",
        abstract: "Turn two-factor sign-in (TOTP, RFC 6238) on or off for the logged-in account.",
        subcommands: [Begin.self, Confirm.self, Disable.self]
    )

    struct Begin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start enrolment: prints the secret and the otpauth:// URI for an authenticator app."
        )

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let response = try await session.authenticated { api in
                    try await api.identity.beginTotpEnrollment(.init(), options: api.options)
                }
                if self.global.isJSON { return try Printer.json(response) }
                Printer.fields([("secret", response.secret), ("uri", response.otpauthUri)])
                Printer.note("add it to an authenticator app, then run `soukctl totp confirm CODE`")
            }
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Finish enrolment with a first code; prints ten recovery codes, once."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The code the authenticator shows now.") var code: String

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Identity_V1_ConfirmTotpEnrollmentRequest()
                request.code = self.code
                let response = try await session.authenticated { api in
                    try await api.identity.confirmTotpEnrollment(request, options: api.options)
                }
                if self.global.isJSON { return try Printer.json(response) }
                Printer.note("two-factor is on; keep these recovery codes somewhere safe (shown once):")
                for code in response.recoveryCodes { Printer.line(code) }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn two-factor off (needs a fresh code).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The code the authenticator shows now.") var code: String

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Identity_V1_DisableTotpRequest()
                request.code = self.code
                _ = try await session.authenticated { api in
                    try await api.identity.disableTotp(request, options: api.options)
                }
                Printer.line("two-factor is off")
            }
        }
    }
}

import ArgumentParser
import SoukAPI
import SoukCtlKit

/// `soukctl signup --email E`: a customer account (then `soukctl login`).
struct SignUp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signup",
        abstract: "Create a customer account on the current context (then log in with it)."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "The email to sign in with.") var email: String
    @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false
    @Option(help: "The preferred currency carts are priced in (ISO 4217).") var currency: String?

    func run() async throws {
        try await reportingErrors {
            let session = try Session(self.global)
            var request = Souk_Identity_V1_SignUpRequest()
            request.email = self.email
            request.password =
                try self.passwordStdin
                ? Login.stdinLine("password") : PasswordCommand.askNew()
            if let currency { request.profile.preferredCurrency = currency.uppercased() }
            let account = try await session.anonymous { api in
                try await api.identity.signUp(request, options: api.options).account
            }
            if self.global.isJSON { return try Printer.json(account) }
            Printer.line("signed up \(account.email) (\(account.id)); now run `soukctl login --email \(account.email)`")
        }
    }
}

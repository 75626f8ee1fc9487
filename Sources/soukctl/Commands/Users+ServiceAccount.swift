import ArgumentParser
import SoukAPI
import SoukCtlKit

extension Users {
    /// `soukctl users create-service-account NAME --scope …`: an account a program or another soukd signs in as
    /// with the client-credentials grant.
    struct CreateServiceAccount: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-service-account",
            abstract: "Create a service account for a program or a soukd; prints its client secret once.",
            discussion: """
                A soukd that calls domains another soukd hosts signs the calls it makes as itself with it: \
                soukd serve --service-client-id ID, with the secret in SOUK_SERVICE_CLIENT_SECRET.
                """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A name saying what uses it, e.g. catalog-host or reporting-worker.") var name: String
        @Option(help: "A permission it is granted, e.g. accounts.read or events.read (repeatable).") var scope:
            [String] = []

        func validate() throws {
            guard self.name.contains(where: { !$0.isWhitespace }) else {
                throw ValidationError("name: give what uses the account, e.g. catalog-host")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Identity_V1_CreateServiceAccountRequest()
                request.name = self.name
                request.scopes = self.scope
                let response = try await session.authenticated { api in
                    try await api.identity.createServiceAccount(request, options: api.options)
                }
                if self.global.isJSON { return try Printer.json(response) }
                Printer.fields([("client id", response.clientID), ("client secret", response.clientSecret)])
                Printer.note("the secret is shown only now; store it where the program reads it, never in a log")
            }
        }
    }
}

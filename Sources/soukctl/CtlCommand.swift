import ArgumentParser
import Foundation
import SoukCtlKit

/// soukctl: the terminal admin of a Souk platform.
@main
struct CtlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soukctl",
        abstract: "The terminal admin of Souk: accounts, catalog, stock, orders, payments and delivery over SWP.",
        discussion: """
            Contexts (servers) and logins live in $SOUK_CONFIG_HOME, else $XDG_CONFIG_HOME/souk, else \
            ~/.config/souk: contexts.json, and credentials/<context>.json with mode 0600.

            Every command takes --context NAME (another server than the current one) and --output table|json.

            Exit status: 0 success; 64 usage error (a bad flag, argument or file); 65 the server refused the \
            request (invalid value, not found, already exists, wrong state); 69 the server cannot be reached or did \
            not answer in time; 77 not logged in, the login expired, or not allowed; 70 anything else.

            Shell completion: soukctl --generate-completion-script bash|zsh|fish.
            """,
        subcommands: [
            ContextCommand.self, Login.self, Logout.self, Whoami.self, PasswordCommand.self, TotpCommand.self,
            Users.self, Categories.self, Products.self, Stock.self, Warehouses.self, Orders.self, Payments.self,
            Shipments.self, Delivery.self, Reports.self,
            Cart.self,
            SignUp.self,
            Health.self,
        ]
    )

    /// Parses the command line and runs the command; a usage error is one line and exit status 64.
    static func main() async {
        let arguments = GlobalArguments.movedToEnd(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try Self.parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let status as ExitCode {
            // A command's failure, already reported on one line.
            Foundation.exit(status.rawValue)
        } catch {
            let status = Self.exitCode(for: error)
            guard status == .validationFailure else { Self.exit(withError: error) }
            let message = Self.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad usage"
            Printer.note(
                CtlError(.usage, message.replacingOccurrences(of: "Error: ", with: ""), hint: "see `soukctl help`").line
            )
            Foundation.exit(status.rawValue)
        }
    }
}

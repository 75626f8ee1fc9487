import ArgumentParser
import Foundation
import SoukCtlKit

/// `soukctl context add|use|list|remove`: the servers soukctl knows, kept in `contexts.json`.
struct ContextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "context",
        abstract: "Manage the servers soukctl talks to (endpoint and CA per context).",
        subcommands: [Add.self, Use.self, List.self, Remove.self]
    )

    static func folder() throws -> ConfigFolder {
        try ConfigFolder(environment: ProcessInfo.processInfo.environment)
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add (or replace) a context; the first one added becomes the current one."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The context's name, e.g. local.") var name: String
        @Option(help: "soukd's SWP listener, HOST:PORT.") var endpoint: String
        @Option(help: "The CA certificate (PEM) that signed soukd's certificate, e.g. .souk/tls/ca.pem.")
        var ca: String?
        @Flag(help: "No TLS (a soukd started with --plaintext; loopback only).") var plaintext = false

        func validate() throws {
            try validating { _ = try Endpoint(parsing: self.endpoint) }
            if self.plaintext, self.ca != nil { throw ValidationError("--plaintext and --ca exclude each other") }
        }

        func run() async throws {
            try await reportingErrors {
                let folder = try ContextCommand.folder()
                var store = try ContextStore.load(from: folder)
                var authority = self.ca
                if let path = self.ca {
                    // Stored absolute, so the context works from any folder.
                    let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
                    guard FileManager.default.isReadableFile(atPath: absolute) else {
                        throw CtlError(.usage, "--ca: cannot read \(path)", hint: "give the path of soukd's ca.pem")
                    }
                    authority = absolute
                }
                try store.add(
                    Context(
                        name: self.name,
                        endpoint: self.endpoint,
                        certificateAuthority: authority,
                        plaintext: self.plaintext
                    )
                )
                try store.save(to: folder)
                Printer.line("context \(self.name): \(self.endpoint)\(store.current == self.name ? " (current)" : "")")
            }
        }
    }

    struct Use: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a context the current one.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The context's name.") var name: String

        func run() async throws {
            try await reportingErrors {
                let folder = try ContextCommand.folder()
                var store = try ContextStore.load(from: folder)
                try store.use(self.name)
                try store.save(to: folder)
                Printer.line("current context: \(self.name)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the contexts; * marks the current one.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let folder = try ContextCommand.folder()
                let store = try ContextStore.load(from: folder)
                if self.global.isJSON {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    Printer.line(String(decoding: try encoder.encode(store), as: UTF8.self))
                    return
                }
                let rows = store.sorted.map { context in
                    let loggedIn = (try? Credentials.load(context: context.name, from: folder)).flatMap { $0?.email }
                    return [
                        store.current == context.name ? "*" : "", context.name, context.endpoint,
                        context.plaintext ? "plaintext" : context.certificateAuthority ?? "system roots",
                        loggedIn ?? "",
                    ]
                }
                Printer.table(["", "NAME", "ENDPOINT", "TRUST", "LOGGED IN AS"], rows)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a context and its saved login.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The context's name.") var name: String

        func run() async throws {
            try await reportingErrors {
                let folder = try ContextCommand.folder()
                var store = try ContextStore.load(from: folder)
                try store.remove(self.name)
                try store.save(to: folder)
                Credentials.delete(context: self.name, from: folder)
                Printer.line("removed context \(self.name)")
            }
        }
    }
}

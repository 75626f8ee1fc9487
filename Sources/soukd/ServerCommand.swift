import ArgumentParser

/// soukd: hosts any subset of Souk's services.
@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soukd",
        abstract: "Hosts Souk's services: gRPC over HTTP/2 with TLS, PostgreSQL embedded or by URL.",
        subcommands: [Serve.self, Migrate.self, BootstrapAdmin.self, RotateDataKey.self, ImportRates.self],
        defaultSubcommand: Serve.self
    )
}

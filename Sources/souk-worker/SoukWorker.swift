import ArgumentParser

/// The batch worker: one subcommand per job (issue 20): following the orders' events into the analytics schema,
/// building and publishing the recommendation lists, the recommendation model's offline evaluation, and the export of
/// purchases and refunds to Google Analytics 4.
@main
struct SoukWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "souk-worker",
        abstract: "Souk's batch jobs: recommendations and analytics.",
        subcommands: [FollowCommand.self, RecsCommand.self, GA4Command.self]
    )
}

struct RecsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recs",
        abstract: "The recommendation model.",
        subcommands: [RecsBuildCommand.self, RecsEvaluateCommand.self]
    )
}

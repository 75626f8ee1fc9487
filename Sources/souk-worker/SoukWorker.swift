import ArgumentParser

/// The batch worker: one subcommand per job (issue 20): following the orders' events into the analytics schema,
/// building and publishing the recommendation lists, and the recommendation model's offline evaluation.
@main
struct SoukWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "souk-worker",
        abstract: "Souk's batch jobs: recommendations and analytics.",
        subcommands: [FollowCommand.self, RecsCommand.self]
    )
}

struct RecsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recs",
        abstract: "The recommendation model.",
        subcommands: [RecsBuildCommand.self, RecsEvaluateCommand.self]
    )
}

import ArgumentParser
import Foundation
import Logging
import SoukHost

/// `soukd migrate`: apply the database migrations of the selected services and exit.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply database migrations and exit.")

    @OptionGroup var options: HostOptions

    func run() async throws {
        let settings = try await reportingErrors {
            try ResolvedSettings(options: self.options, environment: ProcessInfo.processInfo.environment)
        }
        let logger = LogSetup.bootstrap(level: settings.logLevel)
        let lines = try await reportingErrors {
            try await HostMigrator(config: settings.host, logger: logger).migrateDescribing()
        }
        for line in lines { print(line) }
    }
}

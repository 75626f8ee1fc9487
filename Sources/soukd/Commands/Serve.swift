import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SoukHost
import UnixSignals

/// `soukd serve` (the default): start the selected services and run until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the services and serve until SIGINT/SIGTERM.")

    @OptionGroup var options: HostOptions

    @Flag(help: "On an empty catalog, load the demo products, customers and orders (logs the demo password).")
    var seedDemo = false

    func run() async throws {
        var settings = try await reportingErrors {
            try ResolvedSettings(options: self.options, environment: ProcessInfo.processInfo.environment)
        }
        settings.host.seedDemo = self.seedDemo
        let logger = LogSetup.bootstrap(level: settings.logLevel)
        let host = Host(config: settings.host, logger: logger)
        try await reportingErrors {
            let prepared = try await host.prepare(onReady: { info in
                // Unbuffered, so a supervisor reading a pipe sees the banner at once.
                FileHandle.standardOutput.write(Data((ReadyBanner(info: info).text + "\n").utf8))
            })
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: prepared.services.map {
                        .init(
                            service: $0,
                            successTerminationBehavior: .gracefullyShutdownGroup,
                            failureTerminationBehavior: .gracefullyShutdownGroup
                        )
                    },
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    cancellationSignals: [],
                    logger: logger
                )
            )
            try await group.run()
        }
        logger.info("soukd stopped")
    }
}

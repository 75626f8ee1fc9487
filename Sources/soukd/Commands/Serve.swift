import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SoukBridge
import SoukHost
import UnixSignals

/// `soukd serve` (the default): start the selected services and run until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the services and serve until SIGINT/SIGTERM.")

    @OptionGroup var options: HostOptions

    @OptionGroup(title: "Browser bridge") var bridgeOptions: BridgeOptions

    @Flag(help: "On an empty catalog, load the demo products, customers and orders (logs the demo password).")
    var seedDemo = false

    func run() async throws {
        var settings = try await reportingErrors {
            try ResolvedSettings(options: self.options, environment: ProcessInfo.processInfo.environment)
        }
        settings.host.seedDemo = self.seedDemo
        let hostConfig = settings.host
        let bridgePlan = try await reportingErrors {
            try BuiltInBridge.plan(
                options: self.bridgeOptions,
                host: hostConfig,
                environment: ProcessInfo.processInfo.environment
            )
        }
        let logger = LogSetup.bootstrap(level: settings.logLevel)
        let host = Host(config: settings.host, logger: logger)
        let (ready, readyContinuation) = AsyncStream.makeStream(of: ReadyInfo.self)
        try await reportingErrors {
            var prepared = try await host.prepare(onReady: { info in
                var banner = ReadyBanner(info: info).text
                if case .off(let reason) = bridgePlan { banner += "\n  bridge: off (\(reason))" }
                // Unbuffered, so a supervisor reading a pipe sees the banner at once.
                FileHandle.standardOutput.write(Data((banner + "\n").utf8))
                readyContinuation.yield(info)
                readyContinuation.finish()
            })
            if case .start(let bridge) = bridgePlan {
                // Before the RPC server, so it shuts down after it: the RPC server's drain ends the calls the
                // bridge forwards (live order watches included) before the bridge waits for its requests.
                prepared.services.insert(
                    bridge.service(
                        ready: ready,
                        metrics: prepared.metricsRegistry.map { BridgeMetrics(registry: $0) },
                        logger: logger
                    ),
                    at: prepared.services.count - 1
                )
            }
            let group = prepared.serviceGroup(gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            try await group.run()
        }
        logger.info("soukd stopped")
    }
}

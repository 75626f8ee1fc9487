import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import SoukAnalytics
import SoukGA4

/// `souk-worker ga4 export`: sends the analytics schema's purchases and refunds to a GA4 property through the
/// Measurement Protocol, each checked on the debug endpoint first, under a lease so that one worker at a time
/// exports, keeping what it did in the analytics schema so that a rerun sends nothing twice and misses nothing.
struct GA4ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export purchases and refunds to Google Analytics 4 (Measurement Protocol).",
        discussion: """
            Reads the purchases (orders that reached payment) and refunds (refunded orders, and orders cancelled \
            after their purchase was sent) of the analytics schema that are not yet exported to the property, maps \
            each to a purchase or refund event (transaction_id = order id, value and prices in major units, \
            currency, items by SKU; client_id a keyed hash of the customer, timestamp the order's time), checks each \
            batch (one customer's events, at most 25) on the debug endpoint, and sends the valid ones. A batch the \
            debug endpoint refuses is logged with its messages, counted and never sent; events older than 71 hours \
            are recorded as stale (Google back-dates 72 hours at most). The api secret comes only from \
            SOUK_GA4_API_SECRET and the client-id key only from SOUK_GA4_CLIENT_ID_KEY (16 characters or more); \
            neither has a flag. A bad setting: one line naming it, exit status 1.
            """
    )

    static let job = "ga4-export"
    static let secretVariable = "SOUK_GA4_API_SECRET"
    static let keyVariable = "SOUK_GA4_CLIENT_ID_KEY"
    static let measurementVariable = "SOUK_GA4_MEASUREMENT_ID"

    @Option(name: .long, help: "The web stream's measurement id, G-… (default: SOUK_GA4_MEASUREMENT_ID).")
    var measurementID: String?

    @Option(name: .long, help: "The Measurement Protocol's base URL.")
    var endpoint = GA4Client.Config.googleEndpoint

    @Option(
        name: .long,
        help: ArgumentHelp("Refused: the api secret comes from SOUK_GA4_API_SECRET.", visibility: .hidden)
    )
    var apiSecret: String?

    @Option(name: .long, help: "The PostgreSQL database holding the analytics schema (default: SOUK_DATABASE_URL).")
    var databaseURL: String?

    @Option(name: .long, help: "This worker's name in the lease (default: host name and process id).")
    var holder: String?

    @Option(name: .long, help: "Seconds the export's lease lasts (renewed before each pass of up to 500 orders).")
    var leaseSeconds = 300

    func run() async throws {
        let settings: GA4ExportSettings
        do {
            settings = try GA4ExportSettings(command: self, environment: ProcessInfo.processInfo.environment)
        } catch let error as GA4ExportSettings.Refusal {
            FileHandle.standardError.write(Data("souk-worker: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        let logger = Logger(label: "souk-worker")
        let holder = self.holder ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try await AnalyticsDatabase.with(url: settings.databaseURL, setting: "--database-url", logger: logger) {
                store,
                lease in
                try await self.export(settings, store: store, lease: lease, holder: holder, logger: logger)
            }
        } catch let error as AnalyticsDatabase.BadURL {
            FileHandle.standardError.write(Data("souk-worker: \(error)\n".utf8))
            throw ExitCode(1)
        } catch let error as GA4Error {
            FileHandle.standardError.write(Data("souk-worker: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func export(
        _ settings: GA4ExportSettings,
        store: AnalyticsStore,
        lease: JobLease,
        holder: String,
        logger: Logger
    ) async throws {
        let duration = Duration.seconds(self.leaseSeconds)
        guard try await lease.acquire(Self.job, holder: holder, for: duration, now: Date()) else {
            logger.notice("another worker holds the lease; not exporting", metadata: ["job": "\(Self.job)"])
            return
        }
        let export = GA4Export(
            store: store,
            client: GA4Client(httpClient: .shared, config: settings.client, logger: logger),
            clientIDs: GA4ClientID(key: settings.clientIDKey),
            config: GA4Export.Config(measurementID: settings.client.measurementID),
            logger: logger
        )
        let summary = try await export.run(beforePass: {
            // Renewed before each pass; a pass that finds the lease taken (this worker hung past it) stops.
            guard try await lease.acquire(Self.job, holder: holder, for: duration, now: Date()) else {
                throw GA4Error(.unavailable, "the \(Self.job) lease was lost to another worker")
            }
        })
        try await lease.release(Self.job, holder: holder)
        logger.info(
            "exported to GA4",
            metadata: [
                "sent": "\(summary.sent)", "rejected": "\(summary.rejected)", "stale": "\(summary.stale)",
                "requests": "\(summary.requests)",
            ]
        )
        print(summary.line)
    }
}

/// The `ga4` subcommands.
struct GA4Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ga4",
        abstract: "Google Analytics 4.",
        subcommands: [GA4ExportCommand.self]
    )
}

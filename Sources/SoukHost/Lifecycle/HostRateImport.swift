package import Foundation
package import Logging
import SoukCatalog

/// `soukd import-rates`: stores publishers' rate files in the catalog of a host's database without serving.
///
/// Starts the embedded cluster if that is the database, migrates the catalog schema, imports every file in one
/// transaction, and stops the cluster again (unless another soukd started it).
package struct HostRateImport: Sendable {
    /// A publisher's file format.
    package enum Publisher: String, Sendable, Hashable {
        /// The ECB's euro rates (`eurofxref-daily.xml`).
        case ecb = "ECB"
        /// The CBR's rouble rates (`XML_daily.asp`, windows-1251).
        case cbr = "CBR"
    }

    /// One file to import: its format, where it came from (named in errors) and its bytes.
    package struct File: Sendable {
        package var publisher: Publisher
        package var source: String
        package var data: Data

        /// Creates a file to import.
        package init(publisher: Publisher, source: String, data: Data) {
            self.publisher = publisher
            self.source = source
            self.data = data
        }
    }

    /// What was stored for one publisher and effective date.
    package struct Report: Sendable, Hashable, CustomStringConvertible {
        package var publisher: Publisher
        package var effectiveDate: String
        package var imported: Int
        package var alreadyStored: Int

        /// `imported 30 ECB rates for 2026-11-26 (0 already stored)`.
        package var description: String {
            let nothingNew = self.imported == 0 ? "; nothing changed" : ""
            return "imported \(self.imported) \(self.publisher.rawValue) rates for \(self.effectiveDate) "
                + "(\(self.alreadyStored) already stored\(nothingNew))"
        }
    }

    private let config: HostConfig
    private let logger: Logger

    /// Prepares to import into the database `config` names.
    package init(config: HostConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    /// Parses every file, then stores their rates in one transaction.
    ///
    /// - Throws: ``HostError`` naming the file that is not a rate file of its publisher (nothing is written), or a
    ///   storage error.
    package func run(_ files: [File]) async throws -> [Report] {
        let feeds = files.map { file in
            RateImport.Feed(
                format: file.publisher == .ecb ? .ecb : .cbr,
                name: file.source,
                data: file.data
            )
        }
        // Refuse a bad file before the database is even started.
        do {
            for feed in feeds { _ = try RateImport.parse(feed) }
        } catch let error as CatalogError {
            throw HostError(code: .invalidConfiguration, message: error.message)
        }
        let logger = self.logger
        let migrator = HostMigrator(config: self.config, logger: self.logger)
        let outcomes = try await migrator.withMigratedDatabase(including: [.catalog]) { _, client in
            try await RateImport(postgres: client, logger: logger).run(feeds)
        }
        return outcomes.map { outcome in
            Report(
                publisher: outcome.format == .ecb ? .ecb : .cbr,
                effectiveDate: outcome.effectiveDate,
                imported: outcome.imported,
                alreadyStored: outcome.alreadyStored
            )
        }
    }
}

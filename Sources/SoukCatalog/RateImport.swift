package import Foundation
package import Logging
package import PostgresNIO
import SoukDomain
package import SoukMoney

/// Imports publishers' daily reference-rate files (the ECB's euro rates, the CBR's rouble rates) into the
/// catalog's rate table, where every price conversion reads them.
///
/// The table keeps one row per base, quote, source and effective date, so importing a file twice changes nothing:
/// the second import reports every rate as already stored. Every file is parsed before anything is written, and
/// all of them are written in one transaction: a bad file leaves the table as it was.
///
/// ```swift
/// let outcomes = try await RateImport(postgres: client).run([
///     RateImport.Feed(format: .ecb, name: "eurofxref-daily.xml", data: ecbData)
/// ])
/// ```
package struct RateImport: Sendable {
    /// A publisher's file format.
    package enum Format: String, Sendable, Hashable, CaseIterable {
        /// `eurofxref-daily.xml`: EUR → X, UTF-8.
        case ecb = "ECB"
        /// `XML_daily.asp`: X → RUB, windows-1251, comma decimals.
        case cbr = "CBR"
    }

    /// One file to import.
    package struct Feed: Sendable {
        /// How to read it.
        package var format: Format
        /// Where it came from (a path or URL), named in errors.
        package var name: String
        /// Its bytes, as published.
        package var data: Data

        /// Creates a feed.
        package init(format: Format, name: String, data: Data) {
            self.format = format
            self.name = name
            self.data = data
        }
    }

    /// What an import did for one publisher and effective date.
    package struct Outcome: Sendable, Hashable {
        /// The publisher.
        package var format: Format
        /// The date the rates apply to (`YYYY-MM-DD`).
        package var effectiveDate: String
        /// Rates that were new and are now stored.
        package var imported: Int
        /// Rates that were stored before (the same base, quote, source and date).
        package var alreadyStored: Int

        /// Creates an outcome.
        package init(format: Format, effectiveDate: String, imported: Int, alreadyStored: Int) {
            self.format = format
            self.effectiveDate = effectiveDate
            self.imported = imported
            self.alreadyStored = alreadyStored
        }
    }

    let store: any RateStore

    /// An importer writing to the catalog schema on `postgres` (migrated).
    package init(postgres: PostgresClient, logger: Logger = Logger(label: "souk.catalog.rates")) {
        self.init(store: PostgresCatalogStore(client: postgres, logger: logger, wallClock: .system))
    }

    /// An importer writing to `store`.
    package init(store: any RateStore) {
        self.store = store
    }

    /// The rates in one file, of currencies Souk supports.
    ///
    /// - Throws: ``CatalogError`` (INVALID_ARGUMENT) naming the feed when the file is not the publisher's XML, or
    ///   holds no rate of a supported currency.
    package static func parse(_ feed: Feed) throws -> [ExchangeRate] {
        let rates: [ExchangeRate]
        do {
            switch feed.format {
            case .ecb: rates = try RateFeeds.parseECB(feed.data)
            case .cbr: rates = try RateFeeds.parseCBR(feed.data)
            }
        } catch let error as MoneyError {
            // The parsers say what is missing as the "rate" text; say it plainly.
            var reason = error.description
            if case .malformedRate(let text) = error { reason = text }
            throw CatalogError.invalidArgument("\(feed.name): not a valid \(feed.format.rawValue) rate file: \(reason)")
        }
        guard !rates.isEmpty else {
            throw CatalogError.invalidArgument(
                "\(feed.name): no \(feed.format.rawValue) rate of a supported currency in the file"
            )
        }
        return rates
    }

    /// Parses every feed, then stores all their rates in one transaction.
    ///
    /// - Returns: per publisher and effective date, how many rates were new and how many were already stored.
    /// - Throws: ``CatalogError`` naming the first bad feed (nothing is written), or the database's error.
    package func run(_ feeds: [Feed]) async throws -> [Outcome] {
        let parsed = try feeds.map { feed in (feed.format, try Self.parse(feed)) }
        let rates = parsed.flatMap(\.1)
        let stored = try await self.storedKeys(matching: rates)
        // The count of what was there is read before the write; a concurrent import of the same file could make
        // both report the rows as new, and the table still holds each once.
        try await self.store.insert(rates)
        var outcomes: [Outcome] = []
        for (format, rates) in parsed {
            for rate in rates {
                let isStored = stored.contains(Key(rate))
                if let index = outcomes.firstIndex(where: {
                    $0.format == format && $0.effectiveDate == rate.effectiveDate
                }) {
                    outcomes[index].imported += isStored ? 0 : 1
                    outcomes[index].alreadyStored += isStored ? 1 : 0
                } else {
                    outcomes.append(
                        Outcome(
                            format: format,
                            effectiveDate: rate.effectiveDate,
                            imported: isStored ? 0 : 1,
                            alreadyStored: isStored ? 1 : 0
                        )
                    )
                }
            }
        }
        return outcomes
    }

    private struct Key: Hashable {
        var base: String
        var quote: String
        var source: String
        var effectiveDate: String

        init(base: String, quote: String, source: String, effectiveDate: String) {
            self.base = base
            self.quote = quote
            self.source = source
            self.effectiveDate = effectiveDate
        }

        init(_ rate: ExchangeRate) {
            self.init(
                base: rate.base.code,
                quote: rate.quote.code,
                source: rate.source,
                effectiveDate: rate.effectiveDate
            )
        }
    }

    private func storedKeys(matching rates: [ExchangeRate]) async throws -> Set<Key> {
        let stored = try await self.store.rateKeys(
            sources: Array(Set(rates.map(\.source))),
            effectiveDates: Array(Set(rates.map(\.effectiveDate)))
        )
        return Set(stored.map(Key.init))
    }
}

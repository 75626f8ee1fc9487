import Foundation
import PostgresNIO
import SoukDomain
import SoukMoney
import SoukStorage

/// The exchange rates every conversion reads; the book is cached between calls (see ``RateCache``).
extension PostgresCatalogStore: RateStore {
    /// The stored rates as a book, from the cache when it is current (see ``RateCache``).
    func rateBook() async throws -> RateBook {
        try await self.rateCache.book(now: self.wallClock.now) {
            let rows = try await self.client.guardedQuery(
                "SELECT max(imported_at) FROM catalog.exchange_rates",
                logger: self.logger
            )
            var version: Date?
            for try await value in rows.decode(Date?.self) { version = value }
            return (try await self.rates(), version)
        }
    }

    func rates() async throws -> [ExchangeRate] {
        let rows = try await self.client.guardedQuery(
            "SELECT base, quote, mantissa, scale, source, effective_date FROM catalog.exchange_rates",
            logger: self.logger
        )
        var rates: [ExchangeRate] = []
        for try await (base, quote, mantissa, scale, source, day) in rows.decode(
            (String, String, Int64, Int, String, String).self
        ) {
            guard let base = Currency.supported[base], let quote = Currency.supported[quote] else { continue }
            rates.append(
                try ExchangeRate(
                    base: base,
                    quote: quote,
                    mantissa: mantissa,
                    scale: scale,
                    source: source,
                    effectiveDate: day
                )
            )
        }
        return rates
    }

    func insert(_ rates: [ExchangeRate]) async throws {
        try await self.transaction { connection in
            for rate in rates {
                try await connection.guardedQuery(
                    """
                    INSERT INTO catalog.exchange_rates (base, quote, mantissa, scale, source, effective_date)
                    VALUES (\(rate.base.code), \(rate.quote.code), \(rate.mantissa), \(rate.scale), \(rate.source), \(rate.effectiveDate))
                    ON CONFLICT DO NOTHING
                    """,
                    logger: self.logger
                )
            }
        }
        self.rateCache.invalidate()
    }

    func rateKeys(
        sources: [String],
        effectiveDates: [String]
    ) async throws -> [(base: String, quote: String, source: String, effectiveDate: String)] {
        let rows = try await self.client.guardedQuery(
            """
            SELECT base, quote, source, effective_date FROM catalog.exchange_rates
            WHERE source = ANY(\(sources)) AND effective_date = ANY(\(effectiveDates))
            """,
            logger: self.logger
        )
        var keys: [(base: String, quote: String, source: String, effectiveDate: String)] = []
        for try await key in rows.decode((String, String, String, String).self) { keys.append(key) }
        return keys
    }
}

import SoukCatalog
import SoukMoney

/// A ``RateStore`` in memory, for the logic of ``RateImport`` without PostgreSQL.
actor InMemoryRateStore: RateStore {
    /// Thrown by every write when set.
    private let writeError: (any Error)?
    private(set) var stored: [ExchangeRate] = []

    init(failingWritesWith writeError: (any Error)? = nil) {
        self.writeError = writeError
    }

    func rates() -> [ExchangeRate] {
        self.stored
    }

    func rateBook() -> RateBook {
        RateBook(self.stored)
    }

    func insert(_ rates: [ExchangeRate]) throws {
        if let writeError { throw writeError }
        // As the table's key does: one rate per base, quote, source and date, the first kept.
        for rate in rates where !self.stored.contains(where: { Self.key($0) == Self.key(rate) }) {
            self.stored.append(rate)
        }
    }

    func rateKeys(
        sources: [String],
        effectiveDates: [String]
    ) -> [(base: String, quote: String, source: String, effectiveDate: String)] {
        self.stored.map(Self.key).filter { sources.contains($0.source) && effectiveDates.contains($0.effectiveDate) }
    }

    private static func key(
        _ rate: ExchangeRate
    ) -> (base: String, quote: String, source: String, effectiveDate: String) {
        (rate.base.code, rate.quote.code, rate.source, rate.effectiveDate)
    }
}

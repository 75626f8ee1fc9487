package import SoukMoney

/// The stored exchange rates every price conversion reads.
package protocol RateStore: Sendable {
    /// Every stored rate of supported currencies.
    func rates() async throws -> [ExchangeRate]

    /// The stored rates as a book; an implementation may keep it between calls.
    func rateBook() async throws -> RateBook

    /// Stores `rates` all or nothing; a rate already stored (same base, quote, source and date) is kept as it is.
    func insert(_ rates: [ExchangeRate]) async throws

    /// The base, quote, source and effective date of each stored rate from one of `sources` on one of
    /// `effectiveDates`.
    func rateKeys(
        sources: [String],
        effectiveDates: [String]
    ) async throws -> [(base: String, quote: String, source: String, effectiveDate: String)]
}

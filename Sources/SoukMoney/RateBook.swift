/// The exchange rates a price may be converted with: only stored rates, never a guess.
///
/// A conversion uses the direct rate if there is one, else the inverse of the opposite rate, else a cross rate
/// through a pivot both sides have a rate with (EUR for ECB rates, RUB for CBR rates). Each derived rate is
/// computed exactly to ten decimals, half to even, and the conversion rounds once more at the end; the rate
/// used (with its source and date) is returned so an order can record it.
package struct RateBook: Sendable {
    private var rates: [Pair: ExchangeRate] = [:]

    private struct Pair: Hashable {
        var base: Currency
        var quote: Currency
    }

    package init(_ rates: [ExchangeRate] = []) {
        for rate in rates { self.add(rate) }
    }

    /// Adds `rate`, replacing an older one of the same pair (a later effective date wins; ties keep the newer add).
    package mutating func add(_ rate: ExchangeRate) {
        let pair = Pair(base: rate.base, quote: rate.quote)
        if let existing = self.rates[pair], existing.effectiveDate > rate.effectiveDate { return }
        self.rates[pair] = rate
    }

    /// Every stored rate.
    package var all: [ExchangeRate] {
        self.rates.values.sorted { ($0.base.code, $0.quote.code) < ($1.base.code, $1.quote.code) }
    }

    /// The rate from `base` to `quote`: stored, inverted, or crossed through a common pivot.
    package func rate(from base: Currency, to quote: Currency) throws -> ExchangeRate {
        if base == quote {
            return try ExchangeRate(
                base: base,
                quote: quote,
                mantissa: 1,
                scale: 0,
                source: "identity",
                effectiveDate: ""
            )
        }
        if let direct = self.rates[Pair(base: base, quote: quote)] { return direct }
        if let opposite = self.rates[Pair(base: quote, quote: base)] { return try Self.inverse(opposite) }
        // pivot → base and pivot → quote, each stored or inverted.
        for pivot in Currency.supported.values.sorted() where pivot != base && pivot != quote {
            guard let toBase = self.storedOrInverted(pivot, base), let toQuote = self.storedOrInverted(pivot, quote)
            else { continue }
            return try ExchangeRate.cross(pivotToBase: try toBase(), pivotToTarget: try toQuote())
        }
        throw MoneyError.noRate(from: base, to: quote)
    }

    /// `amount` in `currency`, and the rate used.
    package func convert(_ amount: Money, to currency: Currency) throws -> (Money, ExchangeRate) {
        let rate = try self.rate(from: amount.currency, to: currency)
        return (try rate.convert(amount), rate)
    }

    private func storedOrInverted(_ base: Currency, _ quote: Currency) -> (() throws -> ExchangeRate)? {
        if let direct = self.rates[Pair(base: base, quote: quote)] { return { direct } }
        if let opposite = self.rates[Pair(base: quote, quote: base)] { return { try Self.inverse(opposite) } }
        return nil
    }

    /// 1 / rate, to ten decimals, half to even.
    static func inverse(_ rate: ExchangeRate) throws -> ExchangeRate {
        // (1 / (m / 10^s)) × 10^10 = 10^(s + 10) / m
        var numerator: Int128 = 1
        for _ in 0..<(rate.scale + 10) { numerator *= 10 }
        guard let mantissa = Int64(exactly: ExchangeRate.divideHalfEven(numerator, Int128(rate.mantissa))), mantissa > 0
        else { throw MoneyError.overflow("the inverse of \(rate.base)→\(rate.quote)") }
        return try ExchangeRate(
            base: rate.quote,
            quote: rate.base,
            mantissa: mantissa,
            scale: 10,
            source: rate.source,
            effectiveDate: rate.effectiveDate
        )
    }
}

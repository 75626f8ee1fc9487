import Foundation

/// How many units of `quote` one unit of `base` buys, as an exact decimal (`mantissa / 10^scale`), with where
/// and when the rate came from. Conversion always goes through a stored rate and rounds half to even, once.
package struct ExchangeRate: Sendable, Hashable {
    package let base: Currency
    package let quote: Currency
    /// The rate's digits: 1.0705 is 10705 with scale 4.
    package let mantissa: Int64
    package let scale: Int
    /// e.g. `ECB` or `CBR`.
    package let source: String
    /// The date the publisher says the rate applies to.
    package let effectiveDate: String

    package init(
        base: Currency,
        quote: Currency,
        mantissa: Int64,
        scale: Int,
        source: String,
        effectiveDate: String
    ) throws {
        guard mantissa > 0, (0...18).contains(scale) else { throw MoneyError.malformedRate("\(mantissa)e-\(scale)") }
        self.base = base
        self.quote = quote
        self.mantissa = mantissa
        self.scale = scale
        self.source = source
        self.effectiveDate = effectiveDate
    }

    /// Parses a positive decimal rate such as `1.0705` or `109,4110` (the CBR's comma), exactly.
    package init(base: Currency, quote: Currency, decimal text: String, source: String, effectiveDate: String) throws {
        let normalized = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        let parts = normalized.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty,
            parts.allSatisfy({ $0.allSatisfy { $0 >= "0" && $0 <= "9" } }), parts.count == 1 || !parts[1].isEmpty,
            let mantissa = Int64(parts.joined())
        else { throw MoneyError.malformedRate(String(text.prefix(40))) }
        try self.init(
            base: base,
            quote: quote,
            mantissa: mantissa,
            scale: parts.count == 2 ? parts[1].count : 0,
            source: source,
            effectiveDate: effectiveDate
        )
    }

    /// The rate as text, e.g. `1.0705`.
    package var decimalString: String {
        let digits = String(self.mantissa)
        guard self.scale > 0 else { return digits }
        let padded = String(repeating: "0", count: max(0, self.scale + 1 - digits.count)) + digits
        return String(padded.dropLast(self.scale)) + "." + String(padded.suffix(self.scale))
    }

    /// `amount` (in ``base``) in ``quote``, rounded half to even to the quote currency's minor unit.
    package func convert(_ amount: Money) throws -> Money {
        guard amount.currency == self.base else { throw MoneyError.currencyMismatch(amount.currency, self.base) }
        // minor_quote = minor_base × mantissa × 10^exp_quote / (10^scale × 10^exp_base), in 128-bit arithmetic.
        let numerator =
            Int128(amount.minorUnits) * Int128(self.mantissa) * Self.power(self.quote.exponent)
        let denominator = Self.power(self.scale) * Self.power(self.base.exponent)
        let result = Self.divideHalfEven(numerator, denominator)
        guard let minor = Int64(exactly: result) else { throw MoneyError.overflow("\(amount) in \(self.quote)") }
        return Money(minorUnits: minor, currency: self.quote)
    }

    /// The cross rate base → other through a common pivot: `self` is pivot → base, `other` is pivot → target
    /// (the ECB publishes EUR → X for every X), so base → target = other / self, to `scale` digits, half to even.
    package static func cross(
        pivotToBase: ExchangeRate,
        pivotToTarget: ExchangeRate,
        scale: Int = 10
    ) throws -> ExchangeRate {
        guard pivotToBase.base == pivotToTarget.base else {
            throw MoneyError.currencyMismatch(pivotToBase.base, pivotToTarget.base)
        }
        // (t.m / 10^t.s) / (b.m / 10^b.s) × 10^scale = t.m × 10^(b.s + scale) / (b.m × 10^t.s)
        let numerator = Int128(pivotToTarget.mantissa) * Self.power(pivotToBase.scale + scale)
        let denominator = Int128(pivotToBase.mantissa) * Self.power(pivotToTarget.scale)
        guard let mantissa = Int64(exactly: Self.divideHalfEven(numerator, denominator)), mantissa > 0 else {
            throw MoneyError.overflow("the cross rate \(pivotToBase.quote)→\(pivotToTarget.quote)")
        }
        return try ExchangeRate(
            base: pivotToBase.quote,
            quote: pivotToTarget.quote,
            mantissa: mantissa,
            scale: scale,
            source: pivotToTarget.source,
            effectiveDate: min(pivotToBase.effectiveDate, pivotToTarget.effectiveDate)
        )
    }

    /// `numerator / denominator` rounded half to even (banker's rounding); the denominator is positive.
    package static func divideHalfEven(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        let quotient = numerator / denominator
        let remainder = numerator % denominator
        let twice = remainder.magnitude * 2
        if twice < denominator.magnitude { return quotient }
        let away = numerator < 0 ? quotient - 1 : quotient + 1
        if twice > denominator.magnitude { return away }
        return quotient % 2 == 0 ? quotient : away
    }

    private static func power(_ exponent: Int) -> Int128 {
        var value: Int128 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}

/// An ISO 4217 currency Souk prices in, with the number of digits of its minor unit.
package struct Currency: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The three-letter code, e.g. `RUB`.
    package let code: String
    /// Minor-unit digits: 2 for RUB (kopecks), 0 for JPY, 3 for KWD.
    package let exponent: Int

    private init(code: String, exponent: Int) {
        self.code = code
        self.exponent = exponent
    }

    package var description: String { self.code }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.code < rhs.code }

    /// The currencies Souk supports, with their ISO 4217 exponents (`../shared/reference/providers.md` §5.1;
    /// glibc's `int_frac_digits` agrees).
    package static let supported: [String: Currency] = {
        let table: [(String, Int)] = [
            ("RUB", 2), ("USD", 2), ("EUR", 2), ("GBP", 2), ("CNY", 2), ("INR", 2), ("CHF", 2), ("KZT", 2),
            ("BYN", 2), ("TRY", 2), ("AED", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3), ("BHD", 3),
        ]
        return Dictionary(uniqueKeysWithValues: table.map { ($0.0, Currency(code: $0.0, exponent: $0.1)) })
    }()

    /// The supported currency with `code`; throws ``MoneyError/unsupportedCurrency(_:)`` otherwise.
    package static func named(_ code: String) throws -> Currency {
        guard let currency = Self.supported[code] else { throw MoneyError.unsupportedCurrency(String(code.prefix(8))) }
        return currency
    }

    /// 10 to the power of the exponent: minor units per major unit.
    package var minorPerMajor: Int64 {
        var value: Int64 = 1
        for _ in 0..<self.exponent { value *= 10 }
        return value
    }

    package static let rub = Self.supported["RUB"]!
    package static let usd = Self.supported["USD"]!
    package static let eur = Self.supported["EUR"]!
    package static let jpy = Self.supported["JPY"]!
    package static let kwd = Self.supported["KWD"]!
}

/// Why a money operation was refused; each names what is wrong.
package enum MoneyError: Error, Equatable, CustomStringConvertible {
    case unsupportedCurrency(String)
    case currencyMismatch(Currency, Currency)
    case overflow(String)
    case malformedAmount(String)
    case malformedRate(String)
    case noRate(from: Currency, to: Currency)

    package var description: String {
        switch self {
        case .unsupportedCurrency(let code):
            "currency '\(code)' is not supported; use one of \(Currency.supported.keys.sorted().joined(separator: ", "))"
        case .currencyMismatch(let a, let b): "cannot combine \(a) and \(b) without a conversion"
        case .overflow(let what): "\(what) is too large to represent"
        case .malformedAmount(let text):
            "'\(text)' is not an amount (digits, at most one decimal separator, '.' or ',', no exponent)"
        case .malformedRate(let text): "'\(text)' is not an exchange rate"
        case .noRate(let from, let to): "there is no stored rate to convert \(from) to \(to)"
        }
    }
}

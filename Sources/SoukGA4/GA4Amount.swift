import SoukMoney

/// Money in GA4's wire format: a JSON number in major units, made from integer minor units and the currency's
/// ISO 4217 exponent by moving the decimal point, so it is exact (`providers.md` §0, §3.1, §5.1).
package enum GA4Amount {
    /// The JSON number text of `minor` minor units of `currency`: `299800` RUB is `2998.00`, `1500` JPY is `1500`,
    /// `12345` KWD is `12.345`.
    ///
    /// - Throws: ``GA4Error/Code/unmappable`` for a currency Souk does not know.
    package static func major(_ minor: Int64, currency code: String) throws -> GA4JSON {
        guard let currency = Currency.supported[code] else {
            throw GA4Error(.unmappable, "currency '\(code)' has no known minor-unit exponent")
        }
        return .number(Self.major(minor, exponent: currency.exponent))
    }

    /// `minor` with the decimal point moved `exponent` digits left, as JSON number text.
    package static func major(_ minor: Int64, exponent: Int) -> String {
        let digits = String(minor.magnitude)
        let sign = minor < 0 ? "-" : ""
        guard exponent > 0 else { return sign + digits }
        let padded = String(repeating: "0", count: max(0, exponent + 1 - digits.count)) + digits
        let split = padded.index(padded.endIndex, offsetBy: -exponent)
        return sign + padded[..<split] + "." + padded[split...]
    }
}

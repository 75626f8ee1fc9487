/// An amount of money: integer minor units of one currency. Never floating point.
package struct Money: Sendable, Hashable, CustomStringConvertible {
    /// Minor units (kopecks, cents, yen), may be negative (refunds, discounts).
    package let minorUnits: Int64
    package let currency: Currency

    package init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Zero in `currency`.
    package static func zero(_ currency: Currency) -> Money {
        Money(minorUnits: 0, currency: currency)
    }

    /// Parses a decimal amount in major units (`"1499.00"`, `"5"`, `"-0.5"`) exactly; more fractional digits
    /// than the currency has is an error, never a silent rounding.
    ///
    /// The one rule for amounts people type, the same in soukctl, imports and the admin page (`parseMoney` in
    /// `clients/web/js/format.js`): digits with at most one decimal separator, `.` or `,` (`12,5` is 12.50), and
    /// at least one digit after it; spaces (also no-break ones) and `'` between digit groups are ignored.
    package init(parsing text: String, currency: Currency) throws {
        var digits = Substring(text.filter { !Self.groupingCharacters.contains($0) })
        let negative = digits.hasPrefix("-")
        if negative { digits = digits.dropFirst() }
        let parts = digits.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "," })
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            parts.count == 1 || (!parts[1].isEmpty && parts[1].count <= currency.exponent)
        else { throw MoneyError.malformedAmount(String(text.prefix(40))) }
        guard let major = Int64(parts[0]) else { throw MoneyError.overflow("amount \(text.prefix(40))") }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let padded = parts[1] + String(repeating: "0", count: currency.exponent - parts[1].count)
            fraction = Int64(padded) ?? 0
        } else if currency.exponent > 0 {
            fraction = 0
        }
        let (scaled, overflowA) = major.multipliedReportingOverflow(by: currency.minorPerMajor)
        let (total, overflowB) = scaled.addingReportingOverflow(fraction)
        guard !overflowA, !overflowB else { throw MoneyError.overflow("amount \(text.prefix(40))") }
        self.init(minorUnits: negative ? -total : total, currency: currency)
    }

    /// Characters people put between digit groups (`1 250`, `1'250`), which an amount ignores.
    private static let groupingCharacters: Set<Character> = [" ", "\u{00A0}", "\u{202F}", "'"]

    /// The amount in major units with exactly the currency's digits: `1499.00`, `500`, `1.250`.
    package var decimalString: String {
        let exponent = self.currency.exponent
        let magnitude = self.minorUnits.magnitude
        let sign = self.minorUnits < 0 ? "-" : ""
        guard exponent > 0 else { return sign + String(magnitude) }
        let divisor = UInt64(self.currency.minorPerMajor)
        let fraction = String(magnitude % divisor)
        return sign + String(magnitude / divisor) + "." + String(repeating: "0", count: exponent - fraction.count)
            + fraction
    }

    package var description: String { "\(self.decimalString) \(self.currency.code)" }

    /// The sum; both in one currency, and no overflow.
    package func adding(_ other: Money) throws -> Money {
        guard other.currency == self.currency else { throw MoneyError.currencyMismatch(self.currency, other.currency) }
        let (sum, overflow) = self.minorUnits.addingReportingOverflow(other.minorUnits)
        guard !overflow else { throw MoneyError.overflow("the total") }
        return Money(minorUnits: sum, currency: self.currency)
    }

    /// This amount times a quantity, without overflow.
    package func multiplied(by quantity: Int64) throws -> Money {
        let (product, overflow) = self.minorUnits.multipliedReportingOverflow(by: quantity)
        guard !overflow else { throw MoneyError.overflow("\(self) × \(quantity)") }
        return Money(minorUnits: product, currency: self.currency)
    }

    /// Sums `amounts`, all in `currency`.
    package static func sum(_ amounts: some Sequence<Money>, in currency: Currency) throws -> Money {
        try amounts.reduce(.zero(currency)) { try $0.adding($1) }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}

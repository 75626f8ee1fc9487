package import SoukMoney

/// Money as Stripe's API spells it: an integer `amount` in the currency's smallest unit and a lower-case code
/// (providers.md §1.8).
package struct StripeAmount: Sendable, Hashable {
    /// Minor units; for Stripe's three-decimal currencies the last digit is 0.
    package let amount: Int64
    /// Lower-case ISO 4217 code (`rub`, `jpy`).
    package let currency: String

    /// Stripe takes at most eight digits.
    static let maximum: Int64 = 99_999_999
    /// The currencies Stripe counts in thousandths but charges in hundredths (the last digit must be 0).
    static let threeDecimal: Set<String> = ["BHD", "IQD", "JOD", "KWD", "OMR", "TND"]

    /// `money` for Stripe.
    ///
    /// - Throws: ``ProviderAmountError`` for an amount that is not positive, above Stripe's eight digits, or, in a
    ///   three-decimal currency, not a multiple of 10 (never rounded silently: that would charge another amount).
    package init(_ money: Money) throws(ProviderAmountError) {
        let code = money.currency.code
        guard money.minorUnits > 0 else { throw .notPositive(money) }
        guard money.minorUnits <= Self.maximum else { throw .aboveLimit(money, provider: "Stripe") }
        if Self.threeDecimal.contains(code), money.minorUnits % 10 != 0 {
            throw .notChargeable(money, provider: "Stripe", why: "its last digit must be 0 in \(code)")
        }
        self.amount = money.minorUnits
        self.currency = code.lowercased()
    }

    /// Stripe's `amount` and `currency` back as money in a currency Souk supports.
    package static func money(amount: Int64, currency: String) throws(ProviderAmountError) -> Money {
        guard let supported = Currency.supported[currency.uppercased()] else {
            throw .unknownCurrency(String(currency.prefix(8)))
        }
        return Money(minorUnits: amount, currency: supported)
    }
}

/// Money as YooKassa's API spells it: `{"value": "1499.00", "currency": "RUB"}`, a decimal string with two
/// decimals (providers.md §2.3).
package struct YooKassaAmount: Sendable, Hashable, Codable {
    /// Major units with a dot and two decimals.
    package let value: String
    /// Upper-case ISO 4217 code.
    package let currency: String

    /// `money` for YooKassa.
    ///
    /// - Throws: ``ProviderAmountError`` for an amount that is not positive, or a currency without two decimals
    ///   (YooKassa's amounts always have two).
    package init(_ money: Money) throws(ProviderAmountError) {
        guard money.minorUnits > 0 else { throw .notPositive(money) }
        guard money.currency.exponent == 2 else {
            throw .notChargeable(money, provider: "YooKassa", why: "its amounts have two decimals")
        }
        self.value = money.decimalString
        self.currency = money.currency.code
    }

    /// The amount back as money, exactly: `"1499.00"` is 149,900 kopecks; `"1499.5"` is refused rather than
    /// guessed, as is a currency Souk does not support.
    package func money() throws(ProviderAmountError) -> Money {
        guard let currency = Currency.supported[self.currency], currency.exponent == 2 else {
            throw .unknownCurrency(String(self.currency.prefix(8)))
        }
        let parts = self.value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, !parts[0].isEmpty,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let money = try? Money(parsing: self.value, currency: currency)
        else { throw .malformed(String(self.value.prefix(24))) }
        return money
    }
}

/// Money a provider cannot take, or an amount a provider sent that Souk cannot read.
package enum ProviderAmountError: Error, Hashable, CustomStringConvertible {
    case notPositive(Money)
    case aboveLimit(Money, provider: String)
    case notChargeable(Money, provider: String, why: String)
    case unknownCurrency(String)
    case malformed(String)

    package var description: String {
        switch self {
        case .notPositive(let money): "amount: \(money) is not a positive amount"
        case .aboveLimit(let money, let provider): "amount: \(money) is above what \(provider) takes in one payment"
        case .notChargeable(let money, let provider, let why): "amount: \(provider) cannot take \(money): \(why)"
        case .unknownCurrency(let code): "currency: '\(code)' is not one Souk supports"
        case .malformed(let text): "amount: '\(text)' is not a decimal with two digits after the dot"
        }
    }
}

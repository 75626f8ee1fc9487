package import SoukAPI
import SoukMoney

/// Money as people type and read it: `1499.00 RUB`, parsed and printed exactly from integer minor units.
package enum MoneyText {
    /// `1499.00 RUB` for 149900 minor units of RUB; a currency Souk does not know shows its minor units.
    package static func format(minorUnits: Int64, currency code: String) -> String {
        guard let currency = try? Currency.named(code) else { return "\(minorUnits) (minor units) \(code)" }
        return Money(minorUnits: minorUnits, currency: currency).description
    }

    /// The message's amount as text; empty when no currency is set.
    package static func format(_ money: Souk_Catalog_V1_Money) -> String {
        money.currency.isEmpty ? "" : Self.format(minorUnits: money.minorUnits, currency: money.currency)
    }

    /// Parses `1499.00` in `currency` exactly into a message in minor units.
    ///
    /// - Parameter flag: the flag the amount came from, named in the error.
    /// - Throws: ``CtlError`` (usage): unknown currency, malformed amount, too many decimals, negative.
    package static func parse(_ text: String, currency code: String, flag: String) throws -> Souk_Catalog_V1_Money {
        try Self.parse(text, currency: code, flag: flag, noun: "price")
    }

    /// Parses an amount of money to move (`--amount 12.34` of `payments capture|refund`) exactly in `currency`,
    /// the payment's, into minor units.
    ///
    /// - Parameter flag: the flag the amount came from, named in the error.
    /// - Throws: ``CtlError`` (usage): malformed amount, more decimals than `currency` has, zero or negative.
    package static func parseAmount(_ text: String, currency code: String, flag: String) throws -> Int64 {
        try Self.parse(text, currency: code, flag: flag, noun: "amount").minorUnits
    }

    private static func parse(
        _ text: String,
        currency code: String,
        flag: String,
        noun: String
    ) throws -> Souk_Catalog_V1_Money {
        let upper = code.uppercased()
        let currency: Currency
        do {
            currency = try Currency.named(upper)
        } catch let error as MoneyError {
            throw CtlError(.usage, "--currency: \(error)")
        }
        let money: Money
        do {
            money = try Money(parsing: text, currency: currency)
        } catch let error as MoneyError {
            throw CtlError(
                .usage,
                "\(flag): \(error)",
                hint: "write the amount like 1499.00 (at most \(currency.exponent) decimals for \(upper))"
            )
        }
        guard money.minorUnits > 0 else { throw CtlError(.usage, "\(flag): the \(noun) must be more than zero") }
        var message = Souk_Catalog_V1_Money()
        message.minorUnits = money.minorUnits
        message.currency = upper
        return message
    }

    /// Parses `SKU=1499.00:RUB` (the `--price` of `products edit`).
    package static func parseSkuPrice(_ text: String) throws -> (sku: String, price: Souk_Catalog_V1_Money) {
        guard let equals = text.firstIndex(of: "="), let colon = text.lastIndex(of: ":"), equals < colon else {
            throw CtlError(
                .usage,
                "--price: '\(text.prefix(80))' is not SKU=AMOUNT:CURRENCY",
                hint: "e.g. --price TEA-1=1499.00:RUB"
            )
        }
        let sku = String(text[..<equals])
        guard !sku.isEmpty else { throw CtlError(.usage, "--price: the SKU before '=' is missing") }
        let amount = String(text[text.index(after: equals)..<colon])
        let currency = String(text[text.index(after: colon)...])
        return (sku, try Self.parse(amount, currency: currency, flag: "--price \(sku)"))
    }
}

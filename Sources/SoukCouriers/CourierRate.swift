package import SoukMoney

/// One way to send a parcel and its price: a CDEK tariff or an EasyPost rate.
package struct CourierRate: Sendable, Hashable {
    /// What to name when registering or buying: CDEK's tariff code (`136`), EasyPost's rate id (`rate_…`).
    package var code: String
    /// What a person reads: CDEK's tariff name, EasyPost's `carrier service` (`USPS Priority`).
    package var name: String
    /// The price in minor units of ``currency``, converted exactly from the courier's decimal.
    package var minorUnits: Int64
    /// The price's currency.
    package var currency: Currency
    /// The fewest days on the way, when the courier says.
    package var minDays: Int?
    /// The most days on the way, when the courier says.
    package var maxDays: Int?

    /// A rate.
    package init(
        code: String,
        name: String,
        minorUnits: Int64,
        currency: Currency,
        minDays: Int?,
        maxDays: Int?
    ) {
        self.code = code
        self.name = name
        self.minorUnits = minorUnits
        self.currency = currency
        self.minDays = minDays
        self.maxDays = maxDays
    }

    /// The price as money.
    package var price: Money { Money(minorUnits: self.minorUnits, currency: self.currency) }
}

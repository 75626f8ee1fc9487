/// A sender's or a recipient's address and contact, as both couriers need them.
package struct CourierAddress: Sendable, Hashable {
    /// ISO 3166-1 alpha-2 (`RU`, `US`).
    package var country: String
    /// A region or state (`Moscow Oblast`, `CA`); empty when there is none.
    package var region: String
    /// The city or settlement.
    package var city: String
    /// The postcode (`190000`, `94107`).
    package var postalCode: String
    /// Street, house, flat.
    package var line1: String
    /// More of the street address; empty when there is none.
    package var line2: String
    /// The person (or company) at the address.
    package var recipient: String
    /// A phone number with the country code (`+79991234567`).
    package var phone: String

    /// An address; `region` and `line2` may be empty.
    package init(
        country: String,
        region: String = "",
        city: String,
        postalCode: String,
        line1: String,
        line2: String = "",
        recipient: String,
        phone: String
    ) {
        self.country = country
        self.region = region
        self.city = city
        self.postalCode = postalCode
        self.line1 = line1
        self.line2 = line2
        self.recipient = recipient
        self.phone = phone
    }

    /// `line1` and `line2` on one line, as CDEK's single `address` field takes them.
    var streetLine: String { self.line2.isEmpty ? self.line1 : "\(self.line1), \(self.line2)" }
}

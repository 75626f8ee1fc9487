import Foundation
package import SoukAPI

/// Where a parcel goes, as far as its price depends on it: normalised so that two spellings of one place match.
package struct Destination: Sendable, Hashable {
    /// ISO 3166-1 alpha-2, upper case.
    package var country: String
    /// Trimmed; compared without case.
    package var region: String
    package var city: String
    /// Upper case, without spaces.
    package var postalCode: String

    package init(country: String, region: String, city: String, postalCode: String) {
        self.country = country
        self.region = region
        self.city = city
        self.postalCode = postalCode
    }

    /// The destination of `address`, checked.
    ///
    /// - Throws: ``DeliveryError`` (invalid argument) naming `field` and what is missing or malformed.
    package init(_ address: Souk_Identity_V1_Address, field: String) throws {
        let country = address.country.trimmingCharacters(in: .whitespaces).uppercased()
        guard !country.isEmpty else { throw DeliveryError.invalidArgument("\(field).country: required (e.g. RU)") }
        guard country.count == 2, country.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw DeliveryError.invalidArgument("\(field).country: ISO 3166-1 alpha-2, e.g. RU")
        }
        let postal = address.postalCode.filter { $0 != " " }.uppercased()
        guard !postal.isEmpty else { throw DeliveryError.invalidArgument("\(field).postal_code: required") }
        guard postal.count <= 12, postal.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else {
            throw DeliveryError.invalidArgument("\(field).postal_code: letters, digits and '-', at most 12")
        }
        for (name, value) in [
            ("recipient", address.recipient), ("line1", address.line1), ("line2", address.line2),
            ("city", address.city), ("region", address.region), ("phone", address.phone),
        ] {
            guard value.count <= 200 else {
                throw DeliveryError.invalidArgument("\(field).\(name): at most 200 characters")
            }
            guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw DeliveryError.invalidArgument("\(field).\(name): no control characters")
            }
        }
        self.init(
            country: country,
            region: address.region.trimmingCharacters(in: .whitespaces),
            city: address.city.trimmingCharacters(in: .whitespaces),
            postalCode: postal
        )
    }

    /// Whether `other` is the same place: country and postcode exactly, region and city without case.
    package func matches(_ other: Destination) -> Bool {
        self.country == other.country && self.postalCode == other.postalCode
            && self.region.lowercased() == other.region.lowercased()
            && self.city.lowercased() == other.city.lowercased()
    }
}

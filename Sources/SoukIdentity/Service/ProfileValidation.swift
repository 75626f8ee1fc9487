import Foundation
import SoukAPI

/// Checks of the fields people type, each failing with INVALID_ARGUMENT naming the field.
enum ProfileValidation {
    /// Currencies accounts may prefer (ISO 4217); the catalog prices in these.
    static let currencies: Set<String> = ["RUB", "USD", "EUR", "GBP", "CNY", "JPY", "KZT", "BYN", "KWD", "TRY", "AED"]

    /// A normalized email: trimmed, one `@`, a local part of 1–64 and a dotted domain, at most 254 characters.
    static func email(_ raw: String) throws -> String {
        let email = raw.trimmingCharacters(in: .whitespaces)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, (1...64).contains(parts[0].count), parts[1].count >= 3,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            email.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0 != "," && $0 != ";" })
        else {
            throw IdentityError.invalidArgument("email: '\(raw.prefix(64))' is not a valid email address")
        }
        return email
    }

    static func displayName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 200,
            !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw IdentityError.invalidArgument("profile.display_name: at most 200 characters, no control characters")
        }
        return trimmed
    }

    /// E.164: `+` and 8 to 15 digits; empty means none.
    static func phone(_ phone: String) throws -> String? {
        let compact = phone.filter { $0 != " " && $0 != "-" && $0 != "(" && $0 != ")" }
        if compact.isEmpty { return nil }
        guard compact.hasPrefix("+"), (8...15).contains(compact.count - 1),
            compact.dropFirst().allSatisfy(\.isASCIIDigit)
        else { throw IdentityError.invalidArgument("profile.phone: expected E.164, e.g. +79991234567") }
        return compact
    }

    /// An ISO 4217 code Souk prices in; empty means the default (RUB).
    static func currency(_ code: String) throws -> String {
        if code.isEmpty { return "RUB" }
        guard Self.currencies.contains(code) else {
            throw IdentityError.invalidArgument(
                "profile.preferred_currency: '\(code.prefix(8))' is not supported; use one of \(Self.currencies.sorted().joined(separator: ", "))"
            )
        }
        return code
    }

    /// A BCP 47 tag such as `ru-RU` or `en`; empty means the default (ru-RU).
    static func locale(_ tag: String) throws -> String {
        if tag.isEmpty { return "ru-RU" }
        guard tag.range(of: #"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"#, options: .regularExpression) != nil, tag.count <= 35
        else {
            throw IdentityError.invalidArgument("profile.locale: '\(tag.prefix(40))' is not a BCP 47 tag such as ru-RU")
        }
        return tag
    }

    static func addresses(_ addresses: [Souk_Identity_V1_Address]) throws {
        guard addresses.count <= 10 else { throw IdentityError.invalidArgument("profile.addresses: at most 10") }
        for (index, address) in addresses.enumerated() {
            let fields = [address.recipient, address.line1, address.line2, address.city, address.postalCode]
            guard fields.allSatisfy({ $0.count <= 200 }) else {
                throw IdentityError.invalidArgument("profile.addresses[\(index)]: fields are at most 200 characters")
            }
            guard !address.line1.isEmpty, !address.city.isEmpty else {
                throw IdentityError.invalidArgument("profile.addresses[\(index)]: line1 and city are required")
            }
            guard address.country.range(of: #"^[A-Z]{2}$"#, options: .regularExpression) != nil else {
                throw IdentityError.invalidArgument("profile.addresses[\(index)].country: ISO 3166-1 alpha-2, e.g. RU")
            }
            guard address.region.count <= 200, !Self.hasControlCharacters(address.region) else {
                throw IdentityError.invalidArgument(
                    "profile.addresses[\(index)].region: at most 200 characters, no control characters"
                )
            }
            guard address.phone.count <= 40, address.phone.allSatisfy({ $0.isASCIIDigit || " +-()".contains($0) })
            else {
                throw IdentityError.invalidArgument(
                    "profile.addresses[\(index)].phone: at most 40 of digits, spaces and + - ( ), e.g. +7 999 123-45-67"
                )
            }
        }
    }

    private static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}

import Foundation
import SoukAPI

/// Checks of a warehouse's fields; each failure is INVALID_ARGUMENT naming the field, before anything is written.
enum WarehouseValidation {
    /// 2-16 of A-Z, 0-9 and '-'.
    static func code(_ code: String) throws {
        guard code.range(of: #"^[A-Z0-9-]{2,16}$"#, options: .regularExpression) != nil else {
            throw CatalogError.invalidArgument("code: 2-16 of A-Z 0-9 -, e.g. MSK-1")
        }
    }

    /// The name without surrounding white space: 1-100 characters, no control characters.
    static func name(_ text: String) throws -> String {
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count), Self.isPlain(name) else {
            throw CatalogError.invalidArgument("name: 1-100 characters, no control characters")
        }
        return name
    }

    /// A warehouse's address, trimmed: country (ISO 3166-1 alpha-2) and city required; every field bounded and
    /// free of control characters (NUL among them); the phone in digits, spaces and `+ - ( )`.
    static func address(
        _ address: Souk_Identity_V1_Address,
        field: String = "address"
    ) throws
        -> Souk_Identity_V1_Address
    {
        var checked = Souk_Identity_V1_Address()
        func text(_ value: String, _ name: String, limit: Int) throws -> String {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count <= limit, Self.isPlain(trimmed) else {
                throw CatalogError.invalidArgument(
                    "\(field).\(name): at most \(limit) characters, no control characters"
                )
            }
            return trimmed
        }
        checked.recipient = try text(address.recipient, "recipient", limit: 200)
        checked.line1 = try text(address.line1, "line1", limit: 200)
        checked.line2 = try text(address.line2, "line2", limit: 200)
        checked.city = try text(address.city, "city", limit: 200)
        guard !checked.city.isEmpty else { throw CatalogError.invalidArgument("\(field).city: required") }
        checked.postalCode = try text(address.postalCode, "postal_code", limit: 20)
        checked.region = try text(address.region, "region", limit: 200)
        guard address.country.range(of: #"^[A-Z]{2}$"#, options: .regularExpression) != nil else {
            throw CatalogError.invalidArgument("\(field).country: ISO 3166-1 alpha-2, e.g. RU")
        }
        checked.country = address.country
        checked.phone = try text(address.phone, "phone", limit: 40)
        guard checked.phone.allSatisfy({ ("0"..."9").contains($0) || " +-()".contains($0) }) else {
            throw CatalogError.invalidArgument(
                "\(field).phone: at most 40 of digits, spaces and + - ( ), e.g. +7 495 123-45-67"
            )
        }
        return checked
    }

    private static func isPlain(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

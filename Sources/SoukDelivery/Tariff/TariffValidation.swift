import Foundation
package import SoukAPI
import SoukMoney

/// Checks a tariff the merchant sets, naming the first field at fault (`tariff.services[0].zones[2].country`).
package enum TariffValidation {
    /// - Throws: ``DeliveryError`` (invalid argument) naming the field and the rule it breaks.
    package static func check(_ tariff: Souk_Delivery_V1_Tariff) throws {
        guard tariff.services.count <= 20 else { throw DeliveryError.invalidArgument("tariff.services: at most 20") }
        var codes: Set<String> = []
        for (index, service) in tariff.services.enumerated() {
            let field = "tariff.services[\(index)]"
            guard service.code.range(of: #"^[a-z0-9-]{1,32}$"#, options: .regularExpression) != nil else {
                throw DeliveryError.invalidArgument("\(field).code: 1-32 of a-z 0-9 -")
            }
            guard codes.insert(service.code).inserted else {
                throw DeliveryError.invalidArgument("\(field).code: '\(service.code)' appears twice")
            }
            try self.text(service.name, field: "\(field).name", limit: 100)
            guard !service.zones.isEmpty, service.zones.count <= 200 else {
                throw DeliveryError.invalidArgument("\(field).zones: 1 to 200")
            }
            var zoneCodes: Set<String> = []
            for (zoneIndex, zone) in service.zones.enumerated() {
                try self.check(zone, field: "\(field).zones[\(zoneIndex)]")
                guard zoneCodes.insert(zone.code).inserted else {
                    throw DeliveryError.invalidArgument(
                        "\(field).zones[\(zoneIndex)].code: '\(zone.code)' appears twice"
                    )
                }
            }
        }
    }

    private static func check(_ zone: Souk_Delivery_V1_Zone, field: String) throws {
        guard zone.code.range(of: #"^[a-z0-9-]{1,32}$"#, options: .regularExpression) != nil else {
            throw DeliveryError.invalidArgument("\(field).code: 1-32 of a-z 0-9 -")
        }
        guard zone.country.range(of: #"^[A-Z]{2}$"#, options: .regularExpression) != nil else {
            throw DeliveryError.invalidArgument("\(field).country: ISO 3166-1 alpha-2 in capitals, e.g. RU")
        }
        guard zone.regions.count <= 100, zone.postcodePrefixes.count <= 1000 else {
            throw DeliveryError.invalidArgument("\(field): at most 100 regions and 1000 postcode prefixes")
        }
        for (index, region) in zone.regions.enumerated() {
            try self.text(region, field: "\(field).regions[\(index)]", limit: 100)
        }
        for (index, prefix) in zone.postcodePrefixes.enumerated()
        where prefix.range(of: #"^[A-Za-z0-9-]{1,12}$"#, options: .regularExpression) == nil {
            throw DeliveryError.invalidArgument("\(field).postcode_prefixes[\(index)]: 1-12 letters, digits or '-'")
        }
        guard (0...90).contains(zone.minDays), (zone.minDays...90).contains(zone.maxDays) else {
            throw DeliveryError.invalidArgument("\(field): 0 ≤ min_days ≤ max_days ≤ 90")
        }
        guard !zone.brackets.isEmpty, zone.brackets.count <= 50 else {
            throw DeliveryError.invalidArgument("\(field).brackets: 1 to 50")
        }
        var lastWeight: Int32 = 0
        for (index, bracket) in zone.brackets.enumerated() {
            let bracketField = "\(field).brackets[\(index)]"
            guard bracket.maxWeightGrams > lastWeight else {
                throw DeliveryError.invalidArgument(
                    "\(bracketField).max_weight_grams: more than 0 and more than the bracket before"
                )
            }
            lastWeight = bracket.maxWeightGrams
            guard bracket.maxVolumeCm3 >= 0 else {
                throw DeliveryError.invalidArgument("\(bracketField).max_volume_cm3: 0 (no limit) or more")
            }
            try self.prices(bracket.prices, field: "\(bracketField).prices", required: true)
        }
        try self.prices(zone.freeAbove, field: "\(field).free_above", required: false)
    }

    private static func prices(_ prices: [Souk_Catalog_V1_Money], field: String, required: Bool) throws {
        guard !required || !prices.isEmpty else { throw DeliveryError.invalidArgument("\(field): at least one") }
        var seen: Set<String> = []
        for (index, price) in prices.enumerated() {
            guard (try? Currency.named(price.currency)) != nil else {
                throw DeliveryError.invalidArgument("\(field)[\(index)].currency: not a supported ISO 4217 code")
            }
            guard price.minorUnits >= 0 else {
                throw DeliveryError.invalidArgument("\(field)[\(index)].minor_units: 0 or more")
            }
            guard seen.insert(price.currency).inserted else {
                throw DeliveryError.invalidArgument("\(field)[\(index)].currency: \(price.currency) appears twice")
            }
        }
    }

    private static func text(_ value: String, field: String, limit: Int) throws {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty, value.count <= limit else {
            throw DeliveryError.invalidArgument("\(field): 1 to \(limit) characters")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw DeliveryError.invalidArgument("\(field): no control characters")
        }
    }
}

package import SoukAPI
package import SoukMoney

/// Prices a parcel to a destination from the merchant's tariff: for each service, the most specific zone that
/// matches, the first bracket that holds the parcel, the price in the currency asked for, free above the
/// zone's threshold in that currency.
package struct TariffEngine: Sendable {
    /// One way the tariff delivers the parcel.
    package struct Option: Sendable, Hashable {
        package var serviceCode: String
        package var serviceName: String
        package var zoneCode: String
        package var price: Money
        package var minDays: Int
        package var maxDays: Int
        /// Whether the zone's free-shipping threshold made it free.
        package var free: Bool
    }

    /// Why a service offers nothing, for the caller's message when no service does.
    package enum Refusal: Sendable, Hashable {
        case noZone(service: String)
        case tooHeavy(service: String, zone: String)
        case noPrice(service: String, zone: String)
    }

    package let tariff: Souk_Delivery_V1_Tariff

    package init(tariff: Souk_Delivery_V1_Tariff) {
        self.tariff = tariff
    }

    /// The options for `parcel` to `destination`, cheapest first, and why the other services offer none.
    ///
    /// - Parameter goods: the cart's total, in the currency the prices are asked in.
    package func options(
        for parcel: Parcel,
        to destination: Destination,
        goods: Money
    ) -> (options: [Option], refusals: [Refusal]) {
        var options: [Option] = []
        var refusals: [Refusal] = []
        for service in self.tariff.services {
            guard let zone = Self.zone(of: service, for: destination) else {
                refusals.append(.noZone(service: service.code))
                continue
            }
            guard let bracket = Self.bracket(of: zone, for: parcel) else {
                refusals.append(.tooHeavy(service: service.code, zone: zone.code))
                continue
            }
            guard let price = bracket.prices.first(where: { $0.currency == goods.currency.code }) else {
                refusals.append(.noPrice(service: service.code, zone: zone.code))
                continue
            }
            let threshold = zone.freeAbove.first { $0.currency == goods.currency.code }
            let free = threshold.map { goods.minorUnits >= $0.minorUnits } ?? false
            options.append(
                Option(
                    serviceCode: service.code,
                    serviceName: service.name,
                    zoneCode: zone.code,
                    price: Money(minorUnits: free ? 0 : price.minorUnits, currency: goods.currency),
                    minDays: Int(zone.minDays),
                    maxDays: Int(zone.maxDays),
                    free: free
                )
            )
        }
        options.sort {
            ($0.price.minorUnits, $0.maxDays, $0.serviceCode) < ($1.price.minorUnits, $1.maxDays, $1.serviceCode)
        }
        return (options, refusals)
    }

    /// The zone of `service` that matches `destination` most specifically: the longest matching postcode prefix,
    /// then a matching region, then a zone of the whole country; nil when none matches.
    static func zone(of service: Souk_Delivery_V1_TariffService, for destination: Destination) -> Souk_Delivery_V1_Zone?
    {
        var best: (zone: Souk_Delivery_V1_Zone, rank: Int)?
        for zone in service.zones where zone.country.uppercased() == destination.country {
            let prefix = zone.postcodePrefixes.filter { destination.postalCode.hasPrefix($0.uppercased()) }
                .map(\.count).max()
            let rank: Int
            if let prefix {
                rank = 1000 + prefix
            } else if zone.regions.contains(where: { $0.lowercased() == destination.region.lowercased() }) {
                rank = 100
            } else if zone.postcodePrefixes.isEmpty && zone.regions.isEmpty {
                rank = 1
            } else {
                continue
            }
            if rank > (best?.rank ?? 0) { best = (zone, rank) }
        }
        return best?.zone
    }

    /// The first bracket, in the order given, that holds the parcel's weight and volume.
    static func bracket(of zone: Souk_Delivery_V1_Zone, for parcel: Parcel) -> Souk_Delivery_V1_WeightBracket? {
        zone.brackets.first { bracket in
            Int(bracket.maxWeightGrams) >= parcel.weightGrams
                && (bracket.maxVolumeCm3 == 0 || bracket.maxVolumeCm3 >= parcel.volumeCM3)
        }
    }
}

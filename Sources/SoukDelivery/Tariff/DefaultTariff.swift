import SoukAPI

/// The tariff a shop has until the merchant sets one: courier delivery across Russia (Moscow and Saint Petersburg
/// cheaper and sooner) and to the United States and the euro area, priced in RUB, USD and EUR.
enum DefaultTariff {
    static let tariff: Souk_Delivery_V1_Tariff = {
        var standard = Souk_Delivery_V1_TariffService()
        standard.code = "standard"
        standard.name = "Courier"
        // Russian zones are priced in roubles, dollars and euros, so a shopper paying in any of them is offered
        // delivery; the US and German zones in their own currency and the other.
        let light = ["RUB": Int64(29_000), "USD": 350, "EUR": 320]
        let medium = ["RUB": Int64(39_000), "USD": 450, "EUR": 420]
        let heavy = ["RUB": Int64(79_000), "USD": 900, "EUR": 850]
        let freeInCities = ["RUB": Int64(500_000), "USD": 6_000, "EUR": 5_500]
        standard.zones = [
            zone(
                "moscow",
                "RU",
                regions: ["Moscow", "Москва"],
                prefixes: ["10", "11", "12"],
                days: 1...2,
                brackets: [(1000, light), (5000, medium), (30000, heavy)],
                free: freeInCities
            ),
            zone(
                "spb",
                "RU",
                regions: ["Saint Petersburg", "Санкт-Петербург"],
                prefixes: ["19"],
                days: 1...3,
                brackets: [(1000, light), (5000, medium), (30000, heavy)],
                free: freeInCities
            ),
            zone(
                "ru",
                "RU",
                days: 3...7,
                brackets: [
                    (1000, ["RUB": 39_000, "USD": 450, "EUR": 420]), (5000, ["RUB": 59_000, "USD": 700, "EUR": 650]),
                    (30000, ["RUB": 119_000, "USD": 1_400, "EUR": 1_300]),
                ],
                free: ["RUB": 1_000_000, "USD": 12_000, "EUR": 11_000]
            ),
            zone(
                "us",
                "US",
                days: 4...8,
                brackets: [
                    (1000, ["USD": 1_200, "EUR": 1_100]), (5000, ["USD": 2_400, "EUR": 2_200]),
                    (30000, ["USD": 6_900, "EUR": 6_400]),
                ],
                free: ["USD": 15_000, "EUR": 14_000]
            ),
            zone(
                "de",
                "DE",
                days: 3...6,
                brackets: [
                    (1000, ["EUR": 990, "USD": 1_090]), (5000, ["EUR": 1_990, "USD": 2_190]),
                    (30000, ["EUR": 4_990, "USD": 5_490]),
                ],
                free: ["EUR": 12_000, "USD": 13_000]
            ),
        ]
        var tariff = Souk_Delivery_V1_Tariff()
        tariff.services = [standard]
        return tariff
    }()

    private static func zone(
        _ code: String,
        _ country: String,
        regions: [String] = [],
        prefixes: [String] = [],
        days: ClosedRange<Int32>,
        brackets: [(grams: Int32, prices: [String: Int64])],
        free: [String: Int64]
    ) -> Souk_Delivery_V1_Zone {
        var zone = Souk_Delivery_V1_Zone()
        zone.code = code
        zone.country = country
        zone.regions = regions
        zone.postcodePrefixes = prefixes
        zone.minDays = days.lowerBound
        zone.maxDays = days.upperBound
        zone.brackets = brackets.map { grams, prices in
            var bracket = Souk_Delivery_V1_WeightBracket()
            bracket.maxWeightGrams = grams
            bracket.prices = prices.sorted { $0.key < $1.key }.map { money($0.value, $0.key) }
            return bracket
        }
        zone.freeAbove = free.sorted { $0.key < $1.key }.map { money($0.value, $0.key) }
        return zone
    }

    private static func money(_ minor: Int64, _ currency: String) -> Souk_Catalog_V1_Money {
        var money = Souk_Catalog_V1_Money()
        money.minorUnits = minor
        money.currency = currency
        return money
    }
}

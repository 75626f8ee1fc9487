import SoukAPI
import SoukDelivery
import SoukMoney
import Testing

@Suite("The tariff engine: zones, brackets, currencies and free shipping")
struct TariffEngineTests {
    /// One service with a country zone, a region zone and two postcode zones ("19" and the longer "1901").
    static let tariff: Souk_Delivery_V1_Tariff = {
        var service = Souk_Delivery_V1_TariffService()
        service.code = "standard"
        service.name = "Courier"
        service.zones = [
            zone("ru", regions: [], prefixes: [], rub: 50_000, usd: 600, free: ["RUB": 1_000_000]),
            zone(
                "moscow",
                regions: ["Moscow"],
                prefixes: [],
                rub: 30_000,
                usd: 400,
                free: ["RUB": 500_000, "USD": 6_000]
            ),
            zone("spb", regions: [], prefixes: ["19"], rub: 35_000, usd: nil, free: [:]),
            zone("spb-centre", regions: [], prefixes: ["1901"], rub: 20_000, usd: nil, free: [:]),
        ]
        var tariff = Souk_Delivery_V1_Tariff()
        tariff.services = [service]
        return tariff
    }()

    static func zone(
        _ code: String,
        regions: [String],
        prefixes: [String],
        rub: Int64,
        usd: Int64?,
        free: [String: Int64]
    ) -> Souk_Delivery_V1_Zone {
        var zone = Souk_Delivery_V1_Zone()
        zone.code = code
        zone.country = "RU"
        zone.regions = regions
        zone.postcodePrefixes = prefixes
        zone.minDays = 1
        zone.maxDays = 3
        // Up to 1 kg and 10 litres, then up to 5 kg with no volume limit; the heavy bracket costs twice as much.
        var light = Souk_Delivery_V1_WeightBracket()
        light.maxWeightGrams = 1000
        light.maxVolumeCm3 = 10_000
        var heavy = Souk_Delivery_V1_WeightBracket()
        heavy.maxWeightGrams = 5000
        for (currency, minor) in [("RUB", rub), ("USD", usd)] {
            guard let minor else { continue }
            light.prices.append(money(minor, currency))
            heavy.prices.append(money(minor * 2, currency))
        }
        zone.brackets = [light, heavy]
        zone.freeAbove = free.map { money($0.value, $0.key) }
        return zone
    }

    static func money(_ minor: Int64, _ currency: String) -> Souk_Catalog_V1_Money {
        var money = Souk_Catalog_V1_Money()
        money.minorUnits = minor
        money.currency = currency
        return money
    }

    static func parcel(grams: Int, cm3: Int64 = 1000) -> Parcel {
        Parcel(weightGrams: grams, volumeCM3: cm3, lengthMM: 100, widthMM: 100, heightMM: 100)
    }

    static func quote(
        _ destination: Destination,
        grams: Int = 500,
        cm3: Int64 = 1000,
        goods: Int64 = 100_00,
        currency: Currency = .rub
    ) -> (options: [TariffEngine.Option], refusals: [TariffEngine.Refusal]) {
        TariffEngine(tariff: Self.tariff).options(
            for: Self.parcel(grams: grams, cm3: cm3),
            to: destination,
            goods: Money(minorUnits: goods, currency: currency)
        )
    }

    static let tver = Destination(country: "RU", region: "Tver Oblast", city: "Tver", postalCode: "170000")
    static let moscow = Destination(country: "RU", region: "moscow", city: "Moscow", postalCode: "101000")

    @Test("the most specific zone wins: the longest postcode prefix, then a region, then the country")
    func zonePrecedence() {
        #expect(Self.quote(Self.tver).options.map(\.zoneCode) == ["ru"])
        // Regions match without case.
        #expect(Self.quote(Self.moscow).options.map(\.zoneCode) == ["moscow"])
        let spb = Destination(country: "RU", region: "Saint Petersburg", city: "SPb", postalCode: "190000")
        #expect(Self.quote(spb).options.map(\.zoneCode) == ["spb"])
        let centre = Destination(country: "RU", region: "Moscow", city: "SPb", postalCode: "190121")
        // A postcode prefix beats a matching region.
        #expect(Self.quote(centre).options.map(\.zoneCode) == ["spb-centre"])
        let abroad = Destination(country: "KZ", region: "", city: "Almaty", postalCode: "050000")
        #expect(Self.quote(abroad).options.isEmpty)
        #expect(Self.quote(abroad).refusals == [.noZone(service: "standard")])
    }

    @Test("bracket edges are inclusive on weight and volume; over every bracket is refused")
    func bracketBoundaries() {
        #expect(Self.quote(Self.tver, grams: 1000).options.first?.price.minorUnits == 50_000)
        #expect(Self.quote(Self.tver, grams: 1001).options.first?.price.minorUnits == 100_000)
        #expect(Self.quote(Self.tver, grams: 500, cm3: 10_000).options.first?.price.minorUnits == 50_000)
        // A light but bulky parcel falls in the next bracket, which has no volume limit.
        #expect(Self.quote(Self.tver, grams: 500, cm3: 10_001).options.first?.price.minorUnits == 100_000)
        #expect(Self.quote(Self.tver, grams: 5000).options.first?.price.minorUnits == 100_000)
        let over = Self.quote(Self.tver, grams: 5001)
        #expect(over.options.isEmpty)
        #expect(over.refusals == [.tooHeavy(service: "standard", zone: "ru")])
    }

    @Test("free shipping from the threshold in the goods' own currency, and only where one is set")
    func freeShippingPerCurrency() {
        let below = Self.quote(Self.moscow, goods: 499_999)
        #expect(below.options.first?.price.minorUnits == 30_000)
        #expect(below.options.first?.free == false)
        let at = Self.quote(Self.moscow, goods: 500_000)
        #expect(at.options.first?.price == Money(minorUnits: 0, currency: .rub))
        #expect(at.options.first?.free == true)
        #expect(Self.quote(Self.moscow, goods: 5_999, currency: .usd).options.first?.price.minorUnits == 400)
        #expect(Self.quote(Self.moscow, goods: 6_000, currency: .usd).options.first?.price.minorUnits == 0)
        // The country zone has a RUB threshold only: USD is never free there.
        #expect(Self.quote(Self.tver, goods: 100_000_000, currency: .usd).options.first?.price.minorUnits == 600)
    }

    @Test("a currency the zone has no price in is refused, not converted")
    func missingCurrency() {
        let spb = Destination(country: "RU", region: "", city: "SPb", postalCode: "190000")
        let result = Self.quote(spb, currency: .usd)
        #expect(result.options.isEmpty)
        #expect(result.refusals == [.noPrice(service: "standard", zone: "spb")])
        #expect(Self.quote(spb, currency: .eur).options.isEmpty)
    }

    @Test("a parcel sums weights and volumes, stacks heights, and needs every SKU's weight")
    func parcelFromItems() throws {
        let parcel = try Parcel(items: [
            .init(sku: "MUG", quantity: 2, weightGrams: 400, lengthMM: 120, widthMM: 90, heightMM: 100),
            .init(sku: "TEA", quantity: 1, weightGrams: 250, lengthMM: 200, widthMM: 50, heightMM: 51),
        ])
        #expect(parcel.weightGrams == 1050)
        // 2 × 1 080 000 mm³ + 510 000 mm³ = 2 670 000 mm³ = 2 670 cm³.
        #expect(parcel.volumeCM3 == 2670)
        #expect([parcel.lengthMM, parcel.widthMM, parcel.heightMM] == [200, 90, 251])
        // A part of a cubic centimetre rounds up.
        #expect(
            try Parcel(items: [.init(sku: "PIN", quantity: 1, weightGrams: 1, lengthMM: 1, widthMM: 1, heightMM: 1)])
                .volumeCM3 == 1
        )
        #expect(throws: DeliveryError.self) {
            try Parcel(items: [.init(sku: "NEW", quantity: 1, weightGrams: 0, lengthMM: 1, widthMM: 1, heightMM: 1)])
        }
    }

    @Test("options come cheapest first, each service with its own zone")
    func cheapestFirst() {
        var tariff = Self.tariff
        var express = tariff.services[0]
        express.code = "express"
        express.name = "Express"
        express.zones = [Self.zone("ru-express", regions: [], prefixes: [], rub: 20_000, usd: 300, free: [:])]
        tariff.services.append(express)
        let options = TariffEngine(tariff: tariff).options(
            for: Self.parcel(grams: 500),
            to: Self.tver,
            goods: Money(minorUnits: 100, currency: .rub)
        ).options
        #expect(options.map(\.serviceCode) == ["express", "standard"])
        #expect(options.map(\.price.minorUnits) == [20_000, 50_000])
    }
}

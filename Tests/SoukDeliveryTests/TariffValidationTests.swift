import GRPCCore
import SoukAPI
import SoukDelivery
import Testing

@Suite("Setting a tariff: each bad field named")
struct TariffValidationTests {
    static func valid() -> Souk_Delivery_V1_Tariff { TariffEngineTests.tariff }

    static func message(_ change: (inout Souk_Delivery_V1_Tariff) -> Void) -> String? {
        var tariff = Self.valid()
        change(&tariff)
        do {
            try TariffValidation.check(tariff)
            return nil
        } catch let error as DeliveryError {
            #expect(error.code == .invalidArgument)
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test("a valid tariff passes")
    func valid() throws {
        try TariffValidation.check(Self.valid())
    }

    @Test("brackets must grow, prices must be known currencies once each, days must be ordered")
    func fieldsNamed() {
        #expect(
            Self.message { $0.services[0].zones[1].brackets[1].maxWeightGrams = 1000 }?
                .hasPrefix("tariff.services[0].zones[1].brackets[1].max_weight_grams") == true
        )
        #expect(
            Self.message { $0.services[0].zones[0].brackets[0].prices[0].currency = "XXX" }?
                .hasPrefix("tariff.services[0].zones[0].brackets[0].prices[0].currency") == true
        )
        #expect(
            Self.message {
                $0.services[0].zones[0].brackets[0].prices.append($0.services[0].zones[0].brackets[0].prices[0])
            }?
            .contains("appears twice") == true
        )
        #expect(
            Self.message { $0.services[0].zones[2].minDays = 5 }?.hasPrefix("tariff.services[0].zones[2]: 0 ≤ min_days")
                == true
        )
        #expect(
            Self.message { $0.services[0].zones[0].country = "ru" }?.hasPrefix("tariff.services[0].zones[0].country")
                == true
        )
        #expect(Self.message { $0.services[0].zones[3].code = "spb" }?.contains("'spb' appears twice") == true)
        #expect(Self.message { $0.services[0].code = "Standard!" }?.hasPrefix("tariff.services[0].code") == true)
        #expect(
            Self.message { $0.services[0].zones[0].postcodePrefixes = ["19 0"] }?
                .hasPrefix("tariff.services[0].zones[0].postcode_prefixes[0]") == true
        )
        #expect(Self.message { $0.services[0].name = "bad\u{0}name" }?.hasPrefix("tariff.services[0].name") == true)
        #expect(
            Self.message { $0.services[0].zones[0].brackets[0].prices[0].minorUnits = -1 }?.contains("minor_units")
                == true
        )
    }
}

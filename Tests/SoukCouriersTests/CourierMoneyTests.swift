import Foundation
import SoukCouriers
import SoukMoney
import Testing

@Suite("Couriers' decimal prices as exact minor units")
struct CourierMoneyTests {
    @Test(
        "decimals convert exactly; trailing zeros past the currency's digits are fine",
        arguments: [
            ("1250.5", 2, 125_050), ("1250.50", 2, 125_050), ("1250", 2, 125_000), ("0", 2, 0), ("0.01", 2, 1),
            ("34.15", 2, 3_415), ("1234", 0, 1_234), ("1234.00", 0, 1_234), ("1.250", 3, 1_250), ("1.5E3", 2, 150_000),
            ("2.5e-1", 2, 25), ("92233720368547758.07", 2, Int64.max),
        ] as [(String, Int, Int64)]
    )
    func exact(text: String, exponent: Int, minorUnits: Int64) {
        #expect(CourierMoney.minorUnits(text, exponent: exponent) == minorUnits)
    }

    @Test(
        "a digit past the currency's digits, a sign, junk or an overflow is refused, never rounded",
        arguments: [
            ("1250.505", 2), ("1234.5", 0), ("-1.00", 2), ("", 2), ("1.", 2), (".5", 2), ("1,5", 2), ("0x10", 2),
            ("NaN", 2), ("92233720368547758.08", 2), ("1e400", 2), ("1.2.3", 2),
        ] as [(String, Int)]
    )
    func refused(text: String, exponent: Int) {
        #expect(CourierMoney.minorUnits(text, exponent: exponent) == nil)
    }

    @Test("a JSON number read as Decimal keeps its digits: no binary rounding on the way")
    func decimalsFromJSON() throws {
        struct Sums: Decodable { var a: Decimal, b: Decimal, c: Decimal }
        let json = #"{"a": 0.1, "b": 1250.05, "c": 99999999.99}"#
        let sums = try JSONDecoder().decode(Sums.self, from: Data(json.utf8))
        #expect(CourierMoney.minorUnits(sums.a, currency: .rub) == 10)
        #expect(CourierMoney.minorUnits(sums.b, currency: .rub) == 125_005)
        #expect(CourierMoney.minorUnits(sums.c, currency: .rub) == 9_999_999_999)
        #expect(CourierMoney.minorUnits(sums.b, currency: .jpy) == nil)
    }

    @Test("the shortest decimal text, as CDEK writes its numbers")
    func decimalText() {
        #expect(CourierMoney.decimalText(125_050, currency: .rub) == "1250.5")
        #expect(CourierMoney.decimalText(30_000, currency: .rub) == "300")
        #expect(CourierMoney.decimalText(825, currency: .jpy) == "825")
        #expect(CourierMoney.decimalText(1_205, currency: .kwd) == "1.205")
    }
}

@Suite("Grams and millimetres in the couriers' units, rounded up")
struct CourierUnitsTests {
    @Test(
        "grams to tenths of an ounce (1 oz = 28.349523125 g), as Python's exact ceiling gives",
        arguments: [
            (1, 1), (28, 10), (29, 11), (453, 160), (454, 161), (1_000, 353), (31_751, 11_200), (31_752, 11_201),
        ]
            as [(Int, Int64)]
    )
    func ounces(grams: Int, tenths: Int64) {
        #expect(CourierUnits.tenthsOfOunce(grams: grams) == tenths)
    }

    @Test(
        "millimetres to tenths of an inch (1 in = 25.4 mm)",
        arguments: [(1, 1), (100, 40), (101, 40), (102, 41), (254, 100), (255, 101), (300, 119)] as [(Int, Int64)]
    )
    func inches(millimetres: Int, tenths: Int64) {
        #expect(CourierUnits.tenthsOfInch(millimetres: millimetres) == tenths)
    }

    @Test("millimetres to whole centimetres, rounded up")
    func centimetres() {
        #expect(CourierUnits.centimetres(millimetres: 300) == 30)
        #expect(CourierUnits.centimetres(millimetres: 301) == 31)
        #expect(CourierUnits.centimetres(millimetres: 1) == 1)
    }

    @Test("tenths encode as one-digit JSON decimals")
    func decimals() throws {
        let json = try JSONEncoder().encode([CourierUnits.decimal(tenths: 353), CourierUnits.decimal(tenths: 40)])
        #expect(String(decoding: json, as: UTF8.self) == "[35.3,4]")
    }
}

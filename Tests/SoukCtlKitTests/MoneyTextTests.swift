import SoukAPI
import SoukCtlKit
import Testing

@Suite("Money typed and printed exactly")
struct MoneyTextTests {
    @Test(
        "amounts parse into minor units without floating point",
        arguments: [
            ("1499.00", "RUB", Int64(149_900)), ("1499", "rub", 149_900), ("0.1", "USD", 10), ("500", "JPY", 500),
            ("1.250", "KWD", 1250), ("92233720368547758.07", "RUB", Int64.max), ("12,5", "RUB", 1250),
            ("1 499,00", "RUB", 149_900),
        ]
    )
    func parses(text: String, currency: String, minor: Int64) throws {
        let money = try MoneyText.parse(text, currency: currency, flag: "--price")
        #expect(money.minorUnits == minor)
        #expect(money.currency == currency.uppercased())
    }

    @Test(
        "bad amounts are usage errors naming the flag",
        arguments: ["14.999", "14,999", "1e3", "", "-5", "0", "1,2.5", "1.", "92233720368547758.08"]
    )
    func refuses(text: String) {
        #expect(throws: CtlError.self) { try MoneyText.parse(text, currency: "RUB", flag: "--price") }
        let error = #expect(throws: CtlError.self) { try MoneyText.parse(text, currency: "RUB", flag: "--price") }
        #expect(error?.code == .usage)
        #expect(error?.message.hasPrefix("--price") == true)
    }

    @Test("an unknown currency is refused with the list")
    func unknownCurrency() {
        let error = #expect(throws: CtlError.self) { try MoneyText.parse("1", currency: "XXX", flag: "--price") }
        #expect(error?.message.contains("RUB") == true)
    }

    @Test("amounts print with the currency's digits")
    func formats() {
        #expect(MoneyText.format(minorUnits: 149_900, currency: "RUB") == "1499.00 RUB")
        #expect(MoneyText.format(minorUnits: 5, currency: "USD") == "0.05 USD")
        #expect(MoneyText.format(minorUnits: 500, currency: "JPY") == "500 JPY")
        #expect(MoneyText.format(minorUnits: 7, currency: "ZZZ") == "7 (minor units) ZZZ")
    }

    @Test("SKU=AMOUNT:CURRENCY for products edit")
    func skuPrice() throws {
        let (sku, price) = try MoneyText.parseSkuPrice("TEA-1=1499.50:rub")
        #expect(sku == "TEA-1")
        #expect(price.minorUnits == 149_950)
        #expect(price.currency == "RUB")
        #expect(throws: CtlError.self) { try MoneyText.parseSkuPrice("TEA-1:1499") }
        #expect(throws: CtlError.self) { try MoneyText.parseSkuPrice("=1:RUB") }
    }
}

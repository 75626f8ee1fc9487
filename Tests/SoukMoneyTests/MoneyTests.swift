import Foundation
import SoukMoney
import Testing

@Suite("Money: integer minor units, exact parsing, overflow")
struct MoneyTests {
    @Test("amounts parse exactly by the currency's exponent and print back the same")
    func parsing() throws {
        #expect(try Money(parsing: "1499.00", currency: .rub).minorUnits == 149_900)
        #expect(try Money(parsing: "1499.5", currency: .rub).minorUnits == 149_950)
        #expect(try Money(parsing: "500", currency: .jpy).minorUnits == 500)
        #expect(try Money(parsing: "1.250", currency: .kwd).minorUnits == 1250)
        #expect(try Money(parsing: "-0.05", currency: .usd).minorUnits == -5)
        #expect(Money(minorUnits: 149_900, currency: .rub).decimalString == "1499.00")
        #expect(Money(minorUnits: -5, currency: .usd).decimalString == "-0.05")
        #expect(Money(minorUnits: 1250, currency: .kwd).decimalString == "1.250")
        #expect(Money(minorUnits: 500, currency: .jpy).decimalString == "500")
        // One rule for typed amounts (soukctl, imports and the admin page): '.' or ',' separates the decimals,
        // spaces and ' between digit groups are ignored.
        #expect(try Money(parsing: "12,5", currency: .rub).minorUnits == 1250)
        #expect(try Money(parsing: "1 250,50", currency: .rub).minorUnits == 125_050)
        #expect(try Money(parsing: "1\u{00A0}250", currency: .rub).minorUnits == 125_000)
        #expect(try Money(parsing: "1'250.5", currency: .usd).minorUnits == 125_050)
        for bad in ["1.005", "1,005", "1,2.3", "1e3", "", ".5", ",5", "1.", "1,", "--1", "12a", "0.1.2", "1_000"] {
            #expect(throws: MoneyError.self, "\(bad)") { try Money(parsing: bad, currency: .usd) }
        }
        #expect(throws: MoneyError.self) { try Money(parsing: "1.5", currency: .jpy) }
    }

    @Test("sums and products refuse mixed currencies and overflow")
    func arithmetic() throws {
        let price = try Money(parsing: "19.99", currency: .usd)
        #expect(try price.multiplied(by: 3).minorUnits == 5997)
        #expect(try Money.sum([price, price], in: .usd).decimalString == "39.98")
        #expect(throws: MoneyError.currencyMismatch(.usd, .eur)) { try price.adding(.zero(.eur)) }
        #expect(throws: MoneyError.self) { try Money(minorUnits: .max / 2, currency: .usd).multiplied(by: 3) }
        #expect(throws: MoneyError.self) { try Money(minorUnits: .max, currency: .usd).adding(price) }
        #expect(throws: MoneyError.self) { try Money(parsing: "99999999999999999999", currency: .usd) }
        #expect(throws: MoneyError.unsupportedCurrency("XYZ")) { try Currency.named("XYZ") }
    }
}

@Suite("Exchange rates: stored, exact, rounded half to even once")
struct ExchangeRateTests {
    @Test("half to even at the minor unit")
    func halfEven() {
        #expect(ExchangeRate.divideHalfEven(25, 10) == 2)
        #expect(ExchangeRate.divideHalfEven(35, 10) == 4)
        #expect(ExchangeRate.divideHalfEven(26, 10) == 3)
        #expect(ExchangeRate.divideHalfEven(-25, 10) == -2)
        #expect(ExchangeRate.divideHalfEven(-35, 10) == -4)
        #expect(ExchangeRate.divideHalfEven(-26, 10) == -3)
    }

    @Test("conversion across exponents, through the stored rate")
    func conversion() throws {
        let usdRub = try ExchangeRate(
            base: .usd,
            quote: .rub,
            decimal: "92.5",
            source: "test",
            effectiveDate: "2026-11-27"
        )
        #expect(try usdRub.convert(Money(parsing: "10.00", currency: .usd)).decimalString == "925.00")
        // 0.01 USD × 92.5 = 0.925 RUB → 0.92 (half to even: 92.5 kopecks → 92).
        #expect(try usdRub.convert(Money(minorUnits: 1, currency: .usd)).minorUnits == 92)
        let eurJpy = try ExchangeRate(
            base: .eur,
            quote: .jpy,
            decimal: "171.94",
            source: "ECB",
            effectiveDate: "2024-06-28"
        )
        #expect(try eurJpy.convert(Money(parsing: "1.00", currency: .eur)).decimalString == "172")
        #expect(throws: MoneyError.self) { try eurJpy.convert(Money(parsing: "1", currency: .usd)) }
        #expect(throws: MoneyError.self) {
            try ExchangeRate(base: .usd, quote: .rub, decimal: "-1", source: "t", effectiveDate: "d")
        }
        #expect(usdRub.decimalString == "92.5")
    }

    @Test("cross rates through the euro, as the ECB publishes")
    func cross() throws {
        let eurUsd = try ExchangeRate(
            base: .eur,
            quote: .usd,
            decimal: "1.0705",
            source: "ECB",
            effectiveDate: "2024-06-28"
        )
        let eurJpy = try ExchangeRate(
            base: .eur,
            quote: .jpy,
            decimal: "171.94",
            source: "ECB",
            effectiveDate: "2024-06-28"
        )
        let usdJpy = try ExchangeRate.cross(pivotToBase: eurUsd, pivotToTarget: eurJpy)
        #expect(usdJpy.base == .usd && usdJpy.quote == .jpy)
        #expect(usdJpy.decimalString == "160.6165343298")
        #expect(try usdJpy.convert(Money(parsing: "100.00", currency: .usd)).decimalString == "16062")
    }
}

@Suite("ECB and CBR rate files")
struct RateFeedTests {
    @Test("the ECB's daily file gives EUR rates of the supported currencies")
    func ecb() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
              <gesmes:subject>Reference rates</gesmes:subject>
              <Cube><Cube time='2024-06-28'>
                <Cube currency='USD' rate='1.0705'/><Cube currency='JPY' rate='171.94'/><Cube currency='ZAR' rate='19.5'/>
              </Cube></Cube>
            </gesmes:Envelope>
            """
        let rates = try RateFeeds.parseECB(Data(xml.utf8))
        #expect(rates.map(\.quote.code) == ["USD", "JPY"])
        #expect(rates.allSatisfy { $0.base == .eur && $0.effectiveDate == "2024-06-28" && $0.source == "ECB" })
        #expect(rates[0].decimalString == "1.0705")
        #expect(throws: MoneyError.self) { try RateFeeds.parseECB(Data("<Cube>".utf8)) }
    }

    @Test("the CBR's windows-1251 file with comma decimals and nominals gives RUB per unit")
    func cbr() throws {
        let xml = """
            <?xml version="1.0" encoding="windows-1251"?>
            <ValCurs Date="04.04.2025" name="Foreign Currency Market">
            <Valute ID="R01235"><NumCode>840</NumCode><CharCode>USD</CharCode><Nominal>1</Nominal><Name>Доллар США</Name><Value>84,0000</Value></Valute>
            <Valute ID="R01820"><NumCode>392</NumCode><CharCode>JPY</CharCode><Nominal>100</Nominal><Name>Иен</Name><Value>57,2314</Value></Valute>
            <Valute ID="R01035"><NumCode>826</NumCode><CharCode>GBP</CharCode><Nominal>1</Nominal><Name>Фунт стерлингов</Name><Value>109,4110</Value><VunitRate>109,411</VunitRate></Valute>
            </ValCurs>
            """
        let data = try #require(xml.data(using: .windowsCP1251))
        let rates = try RateFeeds.parseCBR(data)
        let byCode = Dictionary(uniqueKeysWithValues: rates.map { ($0.base.code, $0) })
        #expect(byCode["USD"]?.decimalString == "84.0000")
        #expect(byCode["GBP"]?.decimalString == "109.411")
        #expect(try byCode["JPY"]?.convert(Money(parsing: "1000", currency: .jpy)).decimalString == "572.31")
        #expect(rates.allSatisfy { $0.quote == .rub && $0.effectiveDate == "2025-04-04" && $0.source == "CBR" })
    }

    @Test("a file cut off after a complete element is refused, not read as part of a day's rates")
    func cutOff() throws {
        let ecb = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Envelope><Cube><Cube time='2024-06-28'>
              <Cube currency='USD' rate='1.0705'/><Cube currency='JPY' rate='171.94'/>
            """
        let error = #expect(throws: MoneyError.self) { try RateFeeds.parseECB(Data(ecb.utf8)) }
        #expect(error?.description.contains("cut off") == true)
        let cbr = """
            <?xml version="1.0" encoding="windows-1251"?>
            <ValCurs Date="04.04.2025" name="Foreign Currency Market">
            <Valute ID="R01235"><CharCode>USD</CharCode><Nominal>1</Nominal><Value>84,0000</Value></Valute>
            """
        #expect(throws: MoneyError.self) { try RateFeeds.parseCBR(try #require(cbr.data(using: .windowsCP1251))) }
        // The same documents, closed, are read.
        #expect(try RateFeeds.parseECB(Data((ecb + "</Cube></Cube></Envelope>").utf8)).count == 2)
        #expect(try RateFeeds.parseCBR(try #require((cbr + "</ValCurs>").data(using: .windowsCP1251))).count == 1)
    }
}

@Suite("The rate book: stored, inverted or crossed, never guessed")
struct RateBookTests {
    static let day = "2025-04-04"

    @Test("direct, inverse and cross rates; a pair with no path is refused")
    func paths() throws {
        var book = RateBook()
        book.add(try ExchangeRate(base: .eur, quote: .usd, decimal: "1.0705", source: "ECB", effectiveDate: Self.day))
        book.add(try ExchangeRate(base: .usd, quote: .rub, decimal: "84.0000", source: "CBR", effectiveDate: Self.day))

        let (rub, used) = try book.convert(Money(parsing: "10.00", currency: .usd), to: .rub)
        #expect(rub.decimalString == "840.00")
        #expect(used.source == "CBR")
        // RUB → USD: the inverse of the CBR rate, 1/84 = 0.0119047619.
        #expect(try book.rate(from: .rub, to: .usd).decimalString == "0.0119047619")
        #expect(try book.convert(Money(parsing: "840.00", currency: .rub), to: .usd).0.decimalString == "10.00")
        // EUR → RUB through USD: 1.0705 × 84.
        #expect(try book.convert(Money(parsing: "1.00", currency: .eur), to: .rub).0.decimalString == "89.92")
        #expect(throws: MoneyError.noRate(from: .jpy, to: .rub)) { try book.rate(from: .jpy, to: .rub) }
        #expect(try book.convert(Money(parsing: "5.00", currency: .usd), to: .usd).0.decimalString == "5.00")
    }

    @Test("a later rate replaces an earlier one, not the other way round")
    func newerWins() throws {
        var book = RateBook()
        book.add(try ExchangeRate(base: .usd, quote: .rub, decimal: "90", source: "CBR", effectiveDate: "2025-04-05"))
        book.add(try ExchangeRate(base: .usd, quote: .rub, decimal: "80", source: "CBR", effectiveDate: "2025-04-04"))
        #expect(try book.rate(from: .usd, to: .rub).decimalString == "90")
    }
}

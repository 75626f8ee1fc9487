import Foundation
import SoukMoney
import SoukPaymentProviders
import Testing

@Suite("Amounts on the providers' wires")
struct ProviderAmountTests {
    static func money(_ text: String, _ code: String) throws -> Money {
        try Money(parsing: text, currency: try Currency.named(code))
    }

    @Test("Stripe takes minor units and a lower-case code; zero-decimal currencies are whole units")
    func stripe() throws {
        for (text, code, amount, currency) in [
            ("1499.00", "RUB", Int64(149_900), "rub"), ("500", "JPY", 500, "jpy"), ("5.120", "KWD", 5_120, "kwd"),
        ] {
            let wire = try StripeAmount(Self.money(text, code))
            #expect(wire.amount == amount && wire.currency == currency, "\(text) \(code)")
        }
        #expect(try StripeAmount.money(amount: 149_900, currency: "rub") == Self.money("1499.00", "RUB"))
    }

    @Test(
        "Stripe refuses what it cannot charge exactly, naming the amount",
        arguments: [
            ("5.124", "KWD", "last digit must be 0 in KWD"),
            ("0", "USD", "not a positive amount"),
            ("1000000.00", "USD", "above what Stripe takes"),
        ]
    )
    func stripeRefusals(text: String, code: String, reason: String) throws {
        let error = #expect(throws: ProviderAmountError.self) { try StripeAmount(Self.money(text, code)) }
        #expect(error?.description.contains(reason) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("amount: ") == true)
    }

    @Test("YooKassa takes a decimal string with two decimals, and gives exactly that back")
    func yooKassa() throws {
        let amount = try YooKassaAmount(Self.money("1499", "RUB"))
        #expect(amount.value == "1499.00" && amount.currency == "RUB")
        #expect(try YooKassaAmount(Self.money("0.05", "RUB")).value == "0.05")
        #expect(try amount.money() == Self.money("1499.00", "RUB"))
        let json = try JSONEncoder().encode(amount)
        #expect(try JSONDecoder().decode([String: String].self, from: json) == ["value": "1499.00", "currency": "RUB"])
    }

    @Test("YooKassa: currencies without two decimals, and amounts it sent that are not exact, are refused")
    func yooKassaRefusals() throws {
        for code in ["JPY", "KWD"] {
            let error = #expect(throws: ProviderAmountError.self) { try YooKassaAmount(Self.money("5", code)) }
            #expect(error?.description.contains("two decimals") == true)
        }
        let decoder = JSONDecoder()
        for (value, currency) in [
            ("1499.5", "RUB"), ("1,499.00", "RUB"), ("-1.00", "RUB"), (".50", "RUB"), ("1499.00", "XYZ"),
        ] {
            let sent = try decoder.decode(
                YooKassaAmount.self,
                from: Data(#"{"value":"\#(value)","currency":"\#(currency)"}"#.utf8)
            )
            #expect(throws: ProviderAmountError.self, "\(value) \(currency)") { try sent.money() }
        }
    }
}

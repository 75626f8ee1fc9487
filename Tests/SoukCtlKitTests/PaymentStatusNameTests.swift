import SoukAPI
import SoukCtlKit
import Testing

@Suite("Payment statuses, amounts to move and reconciliation periods on the command line")
struct PaymentStatusNameTests {
    @Test("every status of payments.proto has one name, both ways")
    func statuses() throws {
        #expect(try PaymentStatusName.parse("REQUIRES-ACTION") == .requiresAction)
        #expect(try PaymentStatusName.parse("partially_refunded") == .partiallyRefunded)
        #expect(PaymentStatusName.name(.authorized) == "authorized")
        #expect(PaymentStatusName.name(.unspecified) == "unspecified")
        let named = Set(PaymentStatusName.all.map(\.1))
        let every = Set(Souk_Payments_V1_PaymentStatus.allCases.filter { $0 != .unspecified })
        #expect(named == every)
        for (name, status) in PaymentStatusName.all {
            #expect(try PaymentStatusName.parse(name) == status)
            #expect(PaymentStatusName.name(status) == name)
        }
        let error = #expect(throws: CtlError.self) { try PaymentStatusName.parse("paid") }
        #expect(error?.code == .usage)
        #expect(error?.hint.contains("captured") == true)
    }

    @Test(
        "amounts to capture or refund parse exactly in the payment's currency",
        arguments: [("12.34", "USD", Int64(1234)), ("12,3", "RUB", 1230), ("500", "JPY", 500), ("0.005", "KWD", 5)]
    )
    func amounts(text: String, currency: String, minor: Int64) throws {
        #expect(try MoneyText.parseAmount(text, currency: currency, flag: "--amount") == minor)
    }

    @Test("an amount with too many decimals, zero or malformed is a usage error naming --amount")
    func badAmounts() {
        for (text, currency, words) in [
            ("12.345", "USD", "at most 2 decimals for USD"), ("1.5", "JPY", "at most 0 decimals for JPY"),
            ("0", "USD", "the amount must be more than zero"), ("1e3", "USD", "--amount"),
        ] {
            let error = #expect(throws: CtlError.self) {
                try MoneyText.parseAmount(text, currency: currency, flag: "--amount")
            }
            #expect(error?.code == .usage)
            #expect(error?.line.contains(words) == true, "\(error?.line ?? "")")
            #expect(error?.message.hasPrefix("--amount") == true)
        }
        // Prices keep their own word.
        let price = #expect(throws: CtlError.self) { try MoneyText.parse("0", currency: "RUB", flag: "--price") }
        #expect(price?.message == "--price: the price must be more than zero")
    }

    @Test("a reconciliation period is whole UTC days, --to included, at most 92 days")
    func periods() throws {
        let one = try ReconcilePeriod(from: "2026-03-01", to: "2026-03-01")
        #expect(one.fromUnixMs == 1_772_323_200_000)
        #expect(one.beforeUnixMs == one.fromUnixMs + 86_400_000)
        let longest = try ReconcilePeriod(from: "2026-01-01", to: "2026-04-02")
        #expect(longest.beforeUnixMs - longest.fromUnixMs == 92 * 86_400_000)
        for (from, to, words) in [
            ("2026-03-02", "2026-03-01", "--to: 2026-03-01 is before --from 2026-03-02"),
            ("2026-01-01", "2026-04-03", "93 days"),
            ("2026-02-30", "2026-03-01", "--from"), ("2026-03-01", "tomorrow", "--to"),
        ] {
            let error = #expect(throws: CtlError.self) { try ReconcilePeriod(from: from, to: to) }
            #expect(error?.code == .usage)
            #expect(error?.line.contains(words) == true, "\(error?.line ?? "")")
        }
    }
}

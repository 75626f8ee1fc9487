import ArgumentParser
import Foundation
import SoukHost
import SoukPayments
import Testing

@testable import soukd

@Suite("soukd's payment settings: keys only from the environment or an owner-only file")
struct PaymentSettingsTests {
    @Test("Stripe and YooKassa from flags and variables; routes, capture and return URL")
    func providers() throws {
        let options = try HostOptions.parse([
            "--stripe-url", "http://127.0.0.1:12111", "--yookassa-shop-id", "54401", "--payment-routes",
            "rub=yookassa, kzt=yookassa, *=stripe", "--payment-capture", "manual",
        ])
        let settings = try ResolvedSettings(
            options: options,
            environment: [
                "SOUK_STRIPE_SECRET_KEY": "sk_test_abc", "SOUK_STRIPE_WEBHOOK_SECRET": "whsec_abc",
                "SOUK_YOOKASSA_SECRET_KEY": "test_key", "SOUK_YOOKASSA_ALLOWED_SOURCES": "185.71.76.0/27, 77.75.156.11",
            ]
        ).host.payments
        #expect(settings.stripe?.baseURL == "http://127.0.0.1:12111")
        #expect(settings.stripe?.secretKey == "sk_test_abc" && settings.stripe?.webhookSecret == "whsec_abc")
        #expect(settings.yooKassa?.baseURL == "https://api.yookassa.ru" && settings.yooKassa?.shopID == "54401")
        #expect(settings.yooKassa?.allowedSources == ["185.71.76.0/27", "77.75.156.11"])
        #expect(settings.providerByCurrency == ["RUB": "yookassa", "KZT": "yookassa"])
        #expect(settings.defaultProvider == "stripe")
        #expect(settings.manualCapture)
        #expect(!"\(settings)".contains("sk_test_abc") && !"\(settings)".contains("whsec_abc"))
        #expect(!"\(settings)".contains("test_key"))

        let none = try ResolvedSettings(options: try HostOptions.parse([]), environment: [:]).host.payments
        #expect(none.stripe == nil && none.yooKassa == nil && !none.manualCapture)
        #expect(none.providerByCurrency == ["RUB": "yookassa"])
    }

    @Test("half a provider, a bad route or capture word, or a key file others can read: each named")
    func refusals() throws {
        let cases: [([String], [String: String], String)] = [
            ([], ["SOUK_STRIPE_SECRET_KEY": "sk"], "SOUK_STRIPE_WEBHOOK_SECRET"),
            (["--stripe-url", "http://x"], [:], "--stripe-url needs SOUK_STRIPE_SECRET_KEY"),
            (["--yookassa-shop-id", "1"], [:], "--yookassa-shop-id needs SOUK_YOOKASSA_SECRET_KEY"),
            ([], ["SOUK_YOOKASSA_SECRET_KEY": "k"], "needs --yookassa-shop-id"),
            (["--payment-routes", "RUB=paypal"], [:], "--payment-routes"),
            (["--payment-routes", "RUBLES=stripe"], [:], "ISO 4217"),
            (["--payment-capture", "later"], [:], "--payment-capture"),
            (["--payment-return-url", "ftp://x"], [:], "--payment-return-url"),
        ]
        for (flags, environment, words) in cases {
            let error = #expect(throws: HostError.self, "\(flags) \(environment)") {
                _ = try ResolvedSettings(options: try HostOptions.parse(flags), environment: environment)
            }
            #expect(error?.message.contains(words) == true, "\(error?.message ?? "")")
        }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("souk-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("stripe").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data("sk_from_file\n".utf8)))
        let environment = ["SOUK_STRIPE_SECRET_KEY_FILE": file, "SOUK_STRIPE_WEBHOOK_SECRET": "whsec"]
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        let open = #expect(throws: HostError.self) {
            _ = try ResolvedSettings(options: try HostOptions.parse([]), environment: environment)
        }
        #expect(open?.message.contains("mode 0600") == true)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        let read = try ResolvedSettings(options: try HostOptions.parse([]), environment: environment)
        #expect(read.host.payments.stripe?.secretKey == "sk_from_file")
    }
}

import ArgumentParser
import Foundation
import SoukCouriers
import SoukDelivery
import SoukHost
import Testing

@testable import soukd

@Suite("soukd's delivery settings: courier keys only from the environment or an owner-only file")
struct DeliverySettingsTests {
    @Test("CDEK and EasyPost from flags and variables, the poll interval; secrets redacted")
    func couriers() throws {
        let options = try HostOptions.parse([
            "--cdek-url", "http://127.0.0.1:12112", "--cdek-client-id", "account-1", "--delivery-poll-interval",
            "500ms", "--quote-lifetime", "10m",
        ])
        let settings = try ResolvedSettings(
            options: options,
            environment: [
                "SOUK_CDEK_CLIENT_SECRET": "cdek_secret_abc", "SOUK_EASYPOST_API_KEY": "EZAK_abc",
                "SOUK_EASYPOST_WEBHOOK_SECRET": "whsec_ep_abc", "SOUK_EASYPOST_URL": "http://127.0.0.1:12113",
            ]
        ).host.delivery
        #expect(settings.cdek?.baseURL == "http://127.0.0.1:12112" && settings.cdek?.clientID == "account-1")
        #expect(settings.cdek?.clientSecret.value == "cdek_secret_abc")
        #expect(settings.easyPost?.baseURL == "http://127.0.0.1:12113")
        #expect(settings.easyPost?.apiKey.value == "EZAK_abc")
        #expect(settings.easyPost?.webhookSecret.value == "whsec_ep_abc")
        #expect(settings.pollInterval == .milliseconds(500))
        #expect(settings.quoteLifetime == .seconds(600))
        for secret in ["cdek_secret_abc", "EZAK_abc", "whsec_ep_abc"] {
            #expect(!"\(settings)".contains(secret))
            #expect(!String(reflecting: settings).contains(secret))
        }

        let none = try ResolvedSettings(options: try HostOptions.parse([]), environment: [:]).host.delivery
        #expect(none.cdek == nil && none.easyPost == nil && !none.hasCouriers)
        #expect(none.pollInterval == .seconds(30))
        #expect(none.quoteLifetime == .seconds(1800))
        #expect(none.origin.postalCode == "101000" && none.origin.country == "RU")
    }

    @Test("half a courier, a bad poll interval, or a secret file others can read: each named")
    func refusals() throws {
        let cases: [([String], [String: String], String)] = [
            (["--cdek-client-id", "a"], [:], "--cdek-client-id needs SOUK_CDEK_CLIENT_SECRET"),
            ([], ["SOUK_CDEK_CLIENT_SECRET": "s"], "needs --cdek-client-id"),
            (["--cdek-url", "http://x"], [:], "--cdek-url needs"),
            ([], ["SOUK_EASYPOST_API_KEY": "k"], "SOUK_EASYPOST_WEBHOOK_SECRET"),
            (["--easypost-url", "http://x"], [:], "--easypost-url needs SOUK_EASYPOST_API_KEY"),
            (["--delivery-poll-interval", "soon"], [:], "--delivery-poll-interval"),
            (["--delivery-poll-interval", "10ms"], [:], "from 100ms to 1h"),
            (["--quote-lifetime", "500ms"], [:], "--quote-lifetime: an interval from 1s to 24h"),
            ([], ["SOUK_QUOTE_LIFETIME": "2d"], "SOUK_QUOTE_LIFETIME"),
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
        let file = folder.appendingPathComponent("cdek").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data("cdek_from_file\n".utf8)))
        let environment = ["SOUK_CDEK_CLIENT_SECRET_FILE": file, "SOUK_CDEK_CLIENT_ID": "account-2"]
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        let open = #expect(throws: HostError.self) {
            _ = try ResolvedSettings(options: try HostOptions.parse([]), environment: environment)
        }
        #expect(open?.message.contains("mode 0600") == true)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        let read = try ResolvedSettings(options: try HostOptions.parse([]), environment: environment)
        #expect(read.host.delivery.cdek?.clientSecret.value == "cdek_from_file")
        #expect(read.host.delivery.cdek?.clientID == "account-2")
    }
}

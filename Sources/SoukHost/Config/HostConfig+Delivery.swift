import Foundation
import SoukCouriers
import SoukDelivery

extension HostConfig {
    /// Offers and books CDEK with this account; `baseURL` nil means CDEK itself.
    package mutating func useCDEK(baseURL: String?, clientID: String, clientSecret: String) {
        self.delivery.cdek = .init(
            baseURL: baseURL ?? "https://api.cdek.ru/v2",
            clientID: clientID,
            clientSecret: CourierSecret(clientSecret)
        )
    }

    /// Offers and books EasyPost with this key, checking its webhooks with `webhookSecret`; `baseURL` nil means
    /// EasyPost itself.
    package mutating func useEasyPost(baseURL: String?, apiKey: String, webhookSecret: String) {
        self.delivery.easyPost = .init(
            baseURL: baseURL ?? "https://api.easypost.com/v2",
            apiKey: CourierSecret(apiKey),
            webhookSecret: CourierSecret(webhookSecret)
        )
    }

    /// How often shipments in flight are polled: `30s`, `500ms`, `2m` or a number of seconds.
    ///
    /// - Throws: ``HostError`` naming `setting` for anything else, or an interval under 100 ms or over an hour.
    package mutating func useDeliveryPollInterval(_ text: String, setting: String) throws {
        self.delivery.pollInterval = try Self.duration(
            text,
            setting: setting,
            in: .milliseconds(100)...(.seconds(3600)),
            range: "from 100ms to 1h such as 30s or 500ms"
        )
    }

    /// How long a shipping quote holds its price: `30m`, `10s`, `2h` or a number of seconds.
    ///
    /// - Throws: ``HostError`` naming `setting` for anything else, or a lifetime under a second or over a day.
    package mutating func useQuoteLifetime(_ text: String, setting: String) throws {
        self.delivery.quoteLifetime = try Self.duration(
            text,
            setting: setting,
            in: .seconds(1)...(.seconds(86_400)),
            range: "from 1s to 24h such as 30m or 10s"
        )
    }

    /// `500ms`, `30s`, `2m`, `1h` or a number of seconds, within `bounds`.
    private static func duration(
        _ text: String,
        setting: String,
        in bounds: ClosedRange<Duration>,
        range: String
    ) throws -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let duration: Duration?
        if trimmed.hasSuffix("ms"), let value = Int64(trimmed.dropLast(2)) {
            duration = .milliseconds(value)
        } else if trimmed.hasSuffix("s"), let value = Int64(trimmed.dropLast()) {
            duration = .seconds(value)
        } else if trimmed.hasSuffix("m"), let value = Int64(trimmed.dropLast()) {
            duration = .seconds(value * 60)
        } else if trimmed.hasSuffix("h"), let value = Int64(trimmed.dropLast()) {
            duration = .seconds(value * 3600)
        } else if let value = Int64(trimmed) {
            duration = .seconds(value)
        } else {
            duration = nil
        }
        guard let duration, bounds.contains(duration) else {
            throw HostError(
                code: .invalidConfiguration,
                message: "\(setting): an interval \(range), not '\(text.prefix(20))'"
            )
        }
        return duration
    }
}

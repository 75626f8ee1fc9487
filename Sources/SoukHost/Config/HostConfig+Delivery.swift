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
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let interval: Duration?
        if trimmed.hasSuffix("ms"), let value = Int64(trimmed.dropLast(2)) {
            interval = .milliseconds(value)
        } else if trimmed.hasSuffix("s"), let value = Int64(trimmed.dropLast()) {
            interval = .seconds(value)
        } else if trimmed.hasSuffix("m"), let value = Int64(trimmed.dropLast()) {
            interval = .seconds(value * 60)
        } else if let value = Int64(trimmed) {
            interval = .seconds(value)
        } else {
            interval = nil
        }
        guard let interval, interval >= .milliseconds(100), interval <= .seconds(3600) else {
            throw HostError(
                code: .invalidConfiguration,
                message: "\(setting): an interval from 100ms to 1h such as 30s or 500ms, not '\(text.prefix(20))'"
            )
        }
        self.delivery.pollInterval = interval
    }
}

import Foundation
import SoukPayments

extension HostConfig {
    /// Takes payments through Stripe with these keys; `baseURL` nil means Stripe itself.
    package mutating func useStripe(baseURL: String?, secretKey: String, webhookSecret: String) {
        self.payments.stripe = .init(
            baseURL: baseURL ?? "https://api.stripe.com",
            secretKey: secretKey,
            webhookSecret: webhookSecret
        )
    }

    /// Takes payments through YooKassa with this shop; `baseURL` nil means YooKassa itself.
    package mutating func useYooKassa(baseURL: String?, shopID: String, secretKey: String, allowedSources: [String]) {
        self.payments.yooKassa = .init(
            baseURL: baseURL ?? "https://api.yookassa.ru",
            shopID: shopID,
            secretKey: secretKey,
            allowedSources: allowedSources
        )
    }

    /// `automatic` takes the money at confirmation; `manual` authorizes it for staff to capture.
    ///
    /// - Throws: ``HostError`` naming `setting` for another word.
    package mutating func usePaymentCapture(_ text: String, setting: String) throws {
        switch text.lowercased() {
        case "automatic": self.payments.manualCapture = false
        case "manual": self.payments.manualCapture = true
        default:
            throw HostError(
                code: .invalidConfiguration,
                message: "\(setting): 'automatic' or 'manual', not '\(text.prefix(20))'"
            )
        }
    }

    /// Which provider takes which currency, as `RUB=yookassa,USD=stripe`; `*=stripe` sets the one for the rest.
    ///
    /// - Throws: ``HostError`` naming `setting` for a malformed pair, an unknown currency or provider.
    package mutating func routePayments(_ text: String, setting: String) throws {
        var routes: [String: String] = [:]
        for pair in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, ["stripe", "yookassa"].contains(parts[1].lowercased()) else {
                throw HostError(
                    code: .invalidConfiguration,
                    message: "\(setting): '\(pair.prefix(40))' is not CURRENCY=stripe or CURRENCY=yookassa"
                )
            }
            let currency = parts[0].uppercased()
            if currency == "*" {
                self.payments.defaultProvider = parts[1].lowercased()
                continue
            }
            guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw HostError(
                    code: .invalidConfiguration,
                    message: "\(setting): '\(parts[0].prefix(8))' is not an ISO 4217 code"
                )
            }
            routes[currency] = parts[1].lowercased()
        }
        self.payments.providerByCurrency = routes
    }

    /// Where a customer comes back to after a provider's page, when the client names no return URL.
    package mutating func usePaymentReturnURL(_ text: String, setting: String) throws {
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased()), url.host != nil else {
            throw HostError(code: .invalidConfiguration, message: "\(setting): an http or https address")
        }
        self.payments.defaultReturnURL = text
    }
}

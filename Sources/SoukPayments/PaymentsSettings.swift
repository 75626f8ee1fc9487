import Foundation
package import SoukMoney

/// How a host takes payments: the providers' keys and addresses, which provider takes which currency, and whether
/// money is taken at once or authorized for staff to capture. The host builds it from flags and the environment
/// and hands it to ``PaymentsDomain`` through `DomainContext.settings`.
package struct PaymentsSettings: Sendable, Hashable {
    /// Stripe's API: its address (`https://api.stripe.com`, or a local contract server), the secret key and the
    /// webhook endpoint secret.
    package struct Stripe: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
        package var baseURL: String
        /// `sk_test_…` / `sk_live_…`; never logged.
        package var secretKey: String
        /// `whsec_…`: what `Stripe-Signature` is checked with; never logged.
        package var webhookSecret: String

        package init(baseURL: String = "https://api.stripe.com", secretKey: String, webhookSecret: String) {
            self.baseURL = baseURL
            self.secretKey = secretKey
            self.webhookSecret = webhookSecret
        }

        /// The address only: the keys stay out of logs.
        package var description: String { "Stripe(\(self.baseURL), keys redacted)" }
        package var customMirror: Mirror { Mirror(self, children: ["baseURL": self.baseURL]) }
    }

    /// YooKassa's API v3: its address, the shop id and the secret key, and the addresses notifications may come
    /// from (empty: any, since every notification is re-read from the API before it is trusted).
    package struct YooKassa: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
        package var baseURL: String
        package var shopID: String
        /// Never logged.
        package var secretKey: String
        /// CIDR blocks or single addresses (providers.md §2.5); empty accepts any sender.
        package var allowedSources: [String]

        package init(
            baseURL: String = "https://api.yookassa.ru",
            shopID: String,
            secretKey: String,
            allowedSources: [String] = []
        ) {
            self.baseURL = baseURL
            self.shopID = shopID
            self.secretKey = secretKey
            self.allowedSources = allowedSources
        }

        /// The address and shop only: the key stays out of logs.
        package var description: String { "YooKassa(\(self.baseURL), shop \(self.shopID), key redacted)" }
        package var customMirror: Mirror { Mirror(self, children: ["baseURL": self.baseURL, "shopID": self.shopID]) }
    }

    package var stripe: Stripe?
    package var yooKassa: YooKassa?
    /// The provider for each currency named here ("stripe" or "yookassa"); others go to ``defaultProvider``.
    package var providerByCurrency: [String: String]
    /// The provider for a currency ``providerByCurrency`` does not name.
    package var defaultProvider: String
    /// Authorize at confirmation and let staff capture (true), or take the money at once (false).
    package var manualCapture: Bool
    /// The return URL a payment gets when the request names none.
    package var defaultReturnURL: String
    /// The longest a provider call may take before it is retried with the same idempotency key.
    package var requestTimeout: Duration
    /// How long an attempt may stay unfinished: the order's stock hold (an hour), after which the attempt expires
    /// and its order is cancelled.
    package var attemptLifetime: Duration = .seconds(3600)
    /// How often unfinished attempts are looked for.
    package var sweepInterval: Duration = .seconds(30)

    /// RUB through YooKassa, every other currency through Stripe, money taken at once.
    package init(
        stripe: Stripe? = nil,
        yooKassa: YooKassa? = nil,
        providerByCurrency: [String: String] = ["RUB": "yookassa"],
        defaultProvider: String = "stripe",
        manualCapture: Bool = false,
        defaultReturnURL: String = "https://localhost/payment-return",
        requestTimeout: Duration = .seconds(20)
    ) {
        self.stripe = stripe
        self.yooKassa = yooKassa
        self.providerByCurrency = providerByCurrency
        self.defaultProvider = defaultProvider
        self.manualCapture = manualCapture
        self.defaultReturnURL = defaultReturnURL
        self.requestTimeout = requestTimeout
    }

    /// The provider name configured for `currency`.
    package func providerName(for currency: Currency) -> String {
        self.providerByCurrency[currency.code] ?? self.defaultProvider
    }
}

package import SoukCouriers

/// How a host reaches the couriers: CDEK's and EasyPost's addresses and keys, the address parcels leave from, how
/// often shipments in flight are polled and how long one courier call may take. The host builds it from flags and
/// the environment and hands it to ``DeliveryDomain`` through `DomainContext.settings`; with no courier configured
/// only the merchant's own tariff is offered.
package struct DeliverySettings: Sendable, Hashable, CustomStringConvertible {
    /// CDEK API v2: its address (`https://api.cdek.ru/v2`, or a local contract server), the account and its secret.
    package struct CDEK: Sendable, Hashable, CustomStringConvertible {
        package var baseURL: String
        package var clientID: String
        /// Never logged.
        package var clientSecret: CourierSecret

        package init(baseURL: String = "https://api.cdek.ru/v2", clientID: String, clientSecret: CourierSecret) {
            self.baseURL = baseURL
            self.clientID = clientID
            self.clientSecret = clientSecret
        }

        /// The address and account only: the secret stays out of logs.
        package var description: String { "CDEK(\(self.baseURL), account \(self.clientID), secret redacted)" }
    }

    /// EasyPost: its address, the API key and the webhook secret `X-Hmac-Signature` is checked with.
    package struct EasyPost: Sendable, Hashable, CustomStringConvertible {
        package var baseURL: String
        /// Never logged.
        package var apiKey: CourierSecret
        /// Never logged; empty refuses every webhook.
        package var webhookSecret: CourierSecret

        package init(
            baseURL: String = "https://api.easypost.com/v2",
            apiKey: CourierSecret,
            webhookSecret: CourierSecret
        ) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.webhookSecret = webhookSecret
        }

        /// The address only: the keys stay out of logs.
        package var description: String { "EasyPost(\(self.baseURL), keys redacted)" }
    }

    /// The address couriers collect from and price from: one setting for the whole shop. The catalog's
    /// warehouses now have addresses (`ListWarehouses`); taking each shipment's own warehouse is the next step.
    package static let moscowWarehouse = CourierAddress(
        country: "RU",
        region: "Moscow",
        city: "Moscow",
        postalCode: "101000",
        line1: "Тверская улица, 1",
        recipient: "Souk warehouse MSK-1",
        phone: "+7 495 000-00-00"
    )

    package var cdek: CDEK?
    package var easyPost: EasyPost?
    /// Where parcels leave from: the sender of every courier quote and registration.
    package var origin: CourierAddress
    /// How often shipments in flight are asked about (and failed registrations tried again).
    package var pollInterval: Duration
    /// The longest one courier call may take, answer included.
    package var requestTimeout: Duration
    /// How long a shipping quote holds its price; PlaceOrder refuses it after that.
    package var quoteLifetime: Duration

    /// No courier, parcels leaving MSK-1, polled every 30 s, courier calls bounded by 10 s, quotes held 30 minutes.
    package init(
        cdek: CDEK? = nil,
        easyPost: EasyPost? = nil,
        origin: CourierAddress = Self.moscowWarehouse,
        pollInterval: Duration = .seconds(30),
        requestTimeout: Duration = .seconds(10),
        quoteLifetime: Duration = .seconds(30 * 60)
    ) {
        self.cdek = cdek
        self.easyPost = easyPost
        self.origin = origin
        self.pollInterval = pollInterval
        self.requestTimeout = requestTimeout
        self.quoteLifetime = quoteLifetime
    }

    /// Whether any courier is configured.
    package var hasCouriers: Bool { self.cdek != nil || self.easyPost != nil }

    /// The couriers' addresses only: secrets stay out of logs.
    package var description: String {
        "DeliverySettings(cdek: \(self.cdek.map { "\($0)" } ?? "none"), easypost: \(self.easyPost.map { "\($0)" } ?? "none"), origin: \(self.origin.city), poll every \(self.pollInterval), quotes held \(self.quoteLifetime))"
    }
}

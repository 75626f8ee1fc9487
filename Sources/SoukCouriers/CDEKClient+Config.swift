package import SoukMoney

extension CDEKClient {
    /// Where CDEK is, the account's credentials, the currency to price in, and how hard to try.
    package struct Config: Sendable, Hashable {
        /// `https://api.cdek.ru/v2` (test: `https://api.edu.cdek.ru/v2`), or a local contract server's address
        /// (no trailing slash; paths such as `/oauth/token` follow it).
        package var baseURL: String
        /// The account (`client_id`).
        package var clientID: String
        /// The secure password (`client_secret`).
        package var clientSecret: CourierSecret
        /// The currency CDEK prices in: its number goes as `currency` (1 RUB, 2 KZT, 3 USD, 4 EUR, …).
        package var currency: Currency
        /// The contract type: 1 = online store (default), 2 = regular delivery.
        package var contractType: Int
        /// How long before its `expires_in` runs out a token is replaced (the SDK's 10 s).
        package var tokenRefreshMargin: Duration
        /// Retries of token requests, reads and quotes (never of a registration that may have arrived).
        package var retries: CourierRetries
        /// How long one attempt may take, answer included.
        package var requestTimeout: Duration
        /// The largest answer read; a larger one is an error.
        package var maxResponseBytes: Int

        /// CDEK at `baseURL` (a trailing slash is dropped) as `clientID` with `clientSecret`.
        package init(
            baseURL: String,
            clientID: String,
            clientSecret: CourierSecret,
            currency: Currency = .rub,
            contractType: Int = 1,
            tokenRefreshMargin: Duration = .seconds(10),
            retries: CourierRetries = .courier,
            requestTimeout: Duration = .seconds(30),
            maxResponseBytes: Int = 4 << 20
        ) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.currency = currency
            self.contractType = contractType
            self.tokenRefreshMargin = tokenRefreshMargin
            self.retries = retries
            self.requestTimeout = requestTimeout
            self.maxResponseBytes = maxResponseBytes
        }

        /// CDEK's production API as `clientID` with `clientSecret`, pricing in roubles.
        package static func defaults(clientID: String, clientSecret: CourierSecret) -> Self {
            Self(baseURL: "https://api.cdek.ru/v2", clientID: clientID, clientSecret: clientSecret)
        }
    }

    /// CDEK's currency numbers (providers.md §4.1), by ISO code.
    package static let currencyNumbers: [String: Int] = [
        "RUB": 1, "KZT": 2, "USD": 3, "EUR": 4, "GBP": 5, "CNY": 6, "BYN": 7, "UAH": 8, "KGS": 9, "AMD": 10,
        "TRY": 11, "THB": 12, "KRW": 13, "AED": 14, "UZS": 15, "MNT": 16, "PLN": 17, "AZN": 18, "GEL": 19,
        "JPY": 55,
    ]
}

extension EasyPostClient {
    /// Where EasyPost is, the API key, and how hard to try.
    package struct Config: Sendable, Hashable {
        /// `https://api.easypost.com/v2`, or a local contract server's address (no trailing slash; paths such as
        /// `/shipments` follow it).
        package var baseURL: String
        /// The API key (test and production keys differ), sent as a Bearer token.
        package var apiKey: CourierSecret
        /// Retries of quotes and reads (never of a purchase that may have arrived).
        package var retries: CourierRetries
        /// How long one attempt may take, answer included.
        package var requestTimeout: Duration
        /// The largest answer read; a larger one is an error.
        package var maxResponseBytes: Int

        /// EasyPost at `baseURL` (a trailing slash is dropped) with `apiKey`.
        package init(
            baseURL: String,
            apiKey: CourierSecret,
            retries: CourierRetries = .courier,
            requestTimeout: Duration = .seconds(30),
            maxResponseBytes: Int = 4 << 20
        ) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.apiKey = apiKey
            self.retries = retries
            self.requestTimeout = requestTimeout
            self.maxResponseBytes = maxResponseBytes
        }

        /// EasyPost's API with `apiKey`.
        package static func defaults(apiKey: CourierSecret) -> Self {
            Self(baseURL: "https://api.easypost.com/v2", apiKey: apiKey)
        }
    }
}

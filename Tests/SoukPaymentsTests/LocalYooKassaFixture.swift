import AsyncHTTPClient
import Foundation
import SoukLocalProviders
import SoukMoney
import SoukPaymentProviders

/// A local YooKassa server and a client for it, for one test.
struct LocalYooKassaFixture {
    static let shopID = "506751"
    static let secretKey = "test_Fh8hUAVVBGUGbjmlzba6TB0iyUbos_lueTHE-axOwM0"

    let server: LocalYooKassaServer
    let client: YooKassaClient
    let clock: SkippingClock
    let time: SteppingTime

    /// Runs `body` with a fresh server and a client on the shared HTTP client, with the default retries and a
    /// generous timeout unless told otherwise.
    static func with<Result: Sendable>(
        shopID: String = Self.shopID,
        key: String = Self.secretKey,
        retries: YooKassaClient.Config.Retries = .defaults,
        requestTimeout: Duration = .seconds(60),
        _ body: (Self) async throws -> Result
    ) async throws -> Result {
        let time = SteppingTime()
        let config = LocalYooKassaServer.Config(
            shopID: Self.shopID,
            secretKey: Self.secretKey,
            now: { Date(timeIntervalSince1970: TimeInterval(time.read())) }
        )
        return try await LocalYooKassaServer.withLocalYooKassa(config: config) { server in
            let clock = SkippingClock()
            let client = YooKassaClient(
                httpClient: .shared,
                config: .init(
                    baseURL: server.baseURL,
                    shopID: shopID,
                    secretKey: YooKassaSecretKey(key),
                    retries: retries,
                    requestTimeout: requestTimeout
                ),
                clock: clock
            )
            return try await body(Self(server: server, client: client, clock: clock, time: time))
        }
    }

    /// `text` roubles (or another currency) for YooKassa.
    static func amount(_ text: String, _ code: String = "RUB") throws -> YooKassaAmount {
        try YooKassaAmount(Money(parsing: text, currency: try Currency.named(code)))
    }

    /// The `n`-th time the server's clock gave (0 for the first).
    static func time(_ n: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(SteppingTime.start + Int64(n) * 100))
    }
}

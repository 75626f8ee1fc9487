import AsyncHTTPClient
import SoukCouriers
import SoukLocalProviders
import SoukRetry
import Testing

@Suite("The CDEK client's retries: quotes and reads repeated, registrations never once they may have arrived")
struct CDEKClientRetryTests {
    static func quote(_ cdek: LocalCDEKFixture) async throws -> [CourierRate] {
        try await cdek.client.tariffs(from: Places.moscowWarehouse, to: Places.petersburgBuyer, parcels: [Places.box])
    }

    static func register(_ cdek: LocalCDEKFixture) async throws -> CourierRegistration {
        try await cdek.client.register(
            tariffCode: 136,
            from: Places.moscowWarehouse,
            to: Places.petersburgBuyer,
            parcels: [Places.box],
            number: "shp-retry"
        )
    }

    static func statuses(_ cdek: LocalCDEKFixture, _ path: String) -> [Int] {
        cdek.server.requests.filter { $0.path == path }.map(\.status)
    }

    @Test("a quote answered 500 twice is repeated with backoff on the clock, then priced")
    func quoteRetried() async throws {
        try await LocalCDEKFixture.with { cdek in
            _ = try await Self.quote(cdek)
            cdek.server.failNext(2, with: .status(500))
            let rates = try await Self.quote(cdek)
            #expect(rates.count == 3)
            #expect(Self.statuses(cdek, "/calculator/tarifflist") == [200, 500, 500, 200])
            let sleeps = cdek.clock.sleeps
            #expect(sleeps.count == 2)
            #expect(sleeps.count == 2 && sleeps[0] >= .milliseconds(250) && sleeps[0] <= .milliseconds(500))
            #expect(sleeps.count == 2 && sleeps[1] >= .milliseconds(500) && sleeps[1] <= .seconds(1))
        }
    }

    @Test("429 and 503 are repeated for a read")
    func readRetried() async throws {
        try await LocalCDEKFixture.with { cdek in
            let order = try await Self.register(cdek)
            cdek.server.failNext(1, with: .status(429))
            cdek.server.failNext(1, with: .status(503))
            _ = try await cdek.client.order(order.reference)
            #expect(Self.statuses(cdek, "/orders/\(order.reference)") == [429, 503, 200])
        }
    }

    @Test("a quote failing every attempt is unavailable after the bounded attempts, naming CDEK and the status")
    func quoteUnavailable() async throws {
        try await LocalCDEKFixture.with { cdek in
            _ = try await Self.quote(cdek)
            cdek.server.failNext(10, with: .status(500))
            let error = await #expect(throws: CourierError.self) { try await Self.quote(cdek) }
            #expect(error?.code == .unavailable && error?.httpStatus == 500 && error?.courier == "CDEK")
            #expect(error?.message.hasPrefix("CDEK is unavailable (HTTP 500)") == true)
            #expect(Self.statuses(cdek, "/calculator/tarifflist") == [200, 500, 500, 500])
        }
    }

    @Test("a registration answered 500 may have been processed: not repeated")
    func registrationNotRepeatedAfter500() async throws {
        try await LocalCDEKFixture.with { cdek in
            _ = try await Self.quote(cdek)
            cdek.server.failNext(1, with: .status(500))
            let error = await #expect(throws: CourierError.self) { try await Self.register(cdek) }
            #expect(error?.code == .unavailable && error?.httpStatus == 500)
            #expect(Self.statuses(cdek, "/orders") == [500] && cdek.clock.sleeps.isEmpty)
        }
    }

    @Test("a registration with no answer is a timeout and is not repeated")
    func registrationHangs() async throws {
        // The warm-up quote and its token must succeed, and the hung request must reach the server, on a loaded
        // machine too: the timeout is generous, and only the hang ever reaches it.
        try await LocalCDEKFixture.with(requestTimeout: .seconds(20)) { cdek in
            _ = try await Self.quote(cdek)
            cdek.server.failNext(1, with: .hang)
            let error = await #expect(throws: CourierError.self) { try await Self.register(cdek) }
            #expect(error?.code == .timeout && error?.message.hasPrefix("CDEK did not answer") == true)
            #expect(Self.statuses(cdek, "/orders").count == 1 && cdek.clock.sleeps.isEmpty)
            #expect(cdek.server.orderCount == 0)
        }
    }

    @Test("a quote with no answer and no retries left is a timeout")
    func quoteHangs() async throws {
        let once = CourierRetries(maxAttempts: 1, initialBackoff: .seconds(1), maxBackoff: .seconds(1))
        // Generous: the warm-up quote must succeed on a loaded machine; only the hang reaches the timeout.
        try await LocalCDEKFixture.with(retries: once, requestTimeout: .seconds(20)) { cdek in
            _ = try await Self.quote(cdek)
            cdek.server.failNext(1, with: .hang)
            let error = await #expect(throws: CourierError.self) { try await Self.quote(cdek) }
            #expect(error?.code == .timeout && error?.courier == "CDEK")
        }
    }

    @Test("a token request answered 500 is repeated like a read")
    func tokenRetried() async throws {
        try await LocalCDEKFixture.with { cdek in
            cdek.server.failNext(1, with: .status(502))
            _ = try await Self.quote(cdek)
            #expect(Self.statuses(cdek, "/oauth/token") == [502, 200] && cdek.clock.sleeps.count == 1)
        }
    }

    @Test("a token request whose connection is refused is repeated, then unavailable, naming the refusal")
    func refused() async throws {
        // A port bound and never listening refuses connections (a stopped server's port can be reused).
        let refusing = try RefusingPort()
        let closed = refusing.baseURL
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let httpClient = HTTPClient(configuration: configuration)
        let clock = TestClock()
        let client = CDEKClient(
            httpClient: httpClient,
            config: .init(baseURL: closed, clientID: "a", clientSecret: CourierSecret("s")),
            clock: clock
        )
        let error = await #expect(throws: CourierError.self) {
            try await client.tariffs(from: Places.moscowWarehouse, to: Places.petersburgBuyer, parcels: [Places.box])
        }
        try await httpClient.shutdown()
        withExtendedLifetime(refusing) {}
        #expect(error?.code == .unavailable)
        #expect(error?.message == "CDEK refused the connection")
        #expect(clock.sleeps.count == 2, "three attempts in all")
    }
}

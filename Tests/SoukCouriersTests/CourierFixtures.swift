import AsyncHTTPClient
import Foundation
import SoukCouriers
import SoukLocalProviders
import Synchronization

/// A clock tests drive: `sleep` returns at once and moves time to its deadline (recording the wait), and
/// ``advance(by:)`` moves time as a test says. The local servers read the same time through ``date``.
final class TestClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Self { Self(offset: self.offset + duration) }
        func duration(to other: Self) -> Duration { other.offset - self.offset }
        static func < (lhs: Self, rhs: Self) -> Bool { lhs.offset < rhs.offset }
    }

    /// 2026-01-01T00:00:00Z: when the test's time starts.
    static let start = Date(timeIntervalSince1970: 1_767_225_600)

    private let state = Mutex<(now: Duration, sleeps: [Duration])>((.zero, []))

    var now: Instant { Instant(offset: self.state.withLock { $0.now }) }
    var minimumResolution: Duration { .zero }

    /// Every sleep asked for, in order.
    var sleeps: [Duration] { self.state.withLock { $0.sleeps } }

    /// The clock's time as a date, for a local server's `now`.
    var date: Date {
        let offset = self.state.withLock { $0.now }.components
        return Self.start.addingTimeInterval(Double(offset.seconds) + Double(offset.attoseconds) / 1e18)
    }

    func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        self.state.withLock { state in
            state.sleeps.append(deadline.offset - state.now)
            state.now = max(state.now, deadline.offset)
        }
    }

    /// Moves time on by `duration`.
    func advance(by duration: Duration) { self.state.withLock { $0.now += duration } }
}

/// Addresses and parcels the tests share.
enum Places {
    static let moscowWarehouse = CourierAddress(
        country: "RU",
        region: "Moscow",
        city: "Moscow",
        postalCode: "101000",
        line1: "ul. Myasnitskaya, 1",
        recipient: "Souk Shop",
        phone: "+74950000000"
    )
    static let petersburgBuyer = CourierAddress(
        country: "RU",
        city: "Saint Petersburg",
        postalCode: "190000",
        line1: "Nevsky pr., 28",
        line2: "kv. 5",
        recipient: "Anna Ivanova",
        phone: "+79110000000"
    )
    static let sanFranciscoWarehouse = CourierAddress(
        country: "US",
        region: "CA",
        city: "San Francisco",
        postalCode: "94107",
        line1: "417 Montgomery St",
        recipient: "Souk Shop",
        phone: "+14155550100"
    )
    static let austinBuyer = CourierAddress(
        country: "US",
        region: "TX",
        city: "Austin",
        postalCode: "78701",
        line1: "100 Congress Ave",
        recipient: "Sam Doe",
        phone: "+15125550100"
    )
    static let box = CourierParcel(weightGrams: 1_200, lengthMM: 300, widthMM: 200, heightMM: 100)

    /// `address` at another postcode.
    static func at(_ postcode: String, _ address: CourierAddress) -> CourierAddress {
        var moved = address
        moved.postalCode = postcode
        return moved
    }
}

/// A local CDEK server and a client for it, on one test clock.
struct LocalCDEKFixture {
    static let clientID = "souk-test-account"
    static let secret = "cdek-secret-Zq81xN3vWm"

    let server: LocalCDEKServer
    let client: CDEKClient
    let clock: TestClock

    /// Runs `body` with a fresh server (its time the clock's) and a client on the shared HTTP client, with the
    /// default retries and a timeout no machine is slow enough to meet unless told otherwise.
    static func with<Result: Sendable>(
        secret: String = Self.secret,
        retries: CourierRetries = .courier,
        requestTimeout: Duration = .seconds(60),
        tokenLifetimeSeconds: Int = 3600,
        advancesOnRead: Bool = true,
        webhookDestination: LocalWebhookDispatcher.Destination? = nil,
        webhookSleep: @escaping @Sendable (Duration) async throws -> Void = { _ in },
        _ body: (Self) async throws -> Result
    ) async throws -> Result {
        let clock = TestClock()
        let config = LocalCDEKServer.Config(
            clientID: Self.clientID,
            clientSecret: Self.secret,
            tokenLifetimeSeconds: tokenLifetimeSeconds,
            now: { clock.date },
            advancesOnRead: advancesOnRead,
            webhookDestination: webhookDestination,
            webhookSleep: webhookSleep
        )
        return try await LocalCDEKServer.withLocalCDEK(config: config) { server in
            let client = CDEKClient(
                httpClient: .shared,
                config: .init(
                    baseURL: server.baseURL,
                    clientID: Self.clientID,
                    clientSecret: CourierSecret(secret),
                    retries: retries,
                    requestTimeout: requestTimeout
                ),
                clock: clock
            )
            return try await body(Self(server: server, client: client, clock: clock))
        }
    }
}

/// A local EasyPost server and a client for it, on one test clock.
struct LocalEasyPostFixture {
    static let apiKey = "EZTK_test_4f9a1c2b7d"

    let server: LocalEasyPostServer
    let client: EasyPostClient
    let clock: TestClock

    /// Runs `body` with a fresh server (its time the clock's) and a client on the shared HTTP client.
    static func with<Result: Sendable>(
        key: String = Self.apiKey,
        retries: CourierRetries = .courier,
        requestTimeout: Duration = .seconds(60),
        advancesOnRead: Bool = true,
        webhooks: LocalEasyPostServer.Webhooks? = nil,
        _ body: (Self) async throws -> Result
    ) async throws -> Result {
        let clock = TestClock()
        let config = LocalEasyPostServer.Config(
            apiKey: Self.apiKey,
            now: { clock.date },
            advancesOnRead: advancesOnRead,
            webhooks: webhooks
        )
        return try await LocalEasyPostServer.withLocalEasyPost(config: config) { server in
            let client = EasyPostClient(
                httpClient: .shared,
                config: .init(
                    baseURL: server.baseURL,
                    apiKey: CourierSecret(key),
                    retries: retries,
                    requestTimeout: requestTimeout
                ),
                clock: clock
            )
            return try await body(Self(server: server, client: client, clock: clock))
        }
    }
}

/// Webhooks received in process, for a local server's `.handler` destination.
final class WebhookBox: Sendable {
    private let received = Mutex<[LocalWebhook]>([])

    var destination: LocalWebhookDispatcher.Destination {
        .handler { webhook in
            self.received.withLock { $0.append(webhook) }
            return 200
        }
    }

    var all: [LocalWebhook] { self.received.withLock { $0 } }
}

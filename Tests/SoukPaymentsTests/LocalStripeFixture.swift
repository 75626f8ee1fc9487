import AsyncHTTPClient
import SoukLocalProviders
import SoukPaymentProviders
import Synchronization

/// A `Clock` whose sleeps return at once, moving its time forward and recording how long each was: retries are
/// tested without waiting, and their backoff is read back.
final class SkippingClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Self { Self(offset: self.offset + duration) }
        func duration(to other: Self) -> Duration { other.offset - self.offset }
        static func < (lhs: Self, rhs: Self) -> Bool { lhs.offset < rhs.offset }
    }

    private let state = Mutex<(now: Duration, sleeps: [Duration])>((.zero, []))

    var now: Instant { Instant(offset: self.state.withLock { $0.now }) }
    var minimumResolution: Duration { .zero }

    /// Every sleep asked for, in order.
    var sleeps: [Duration] { self.state.withLock { $0.sleeps } }

    func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        self.state.withLock { state in
            state.sleeps.append(deadline.offset - state.now)
            state.now = max(state.now, deadline.offset)
        }
    }
}

/// Unix seconds that move by 100 at each reading, from 1_767_225_600: creation times distinct and known.
final class SteppingTime: Sendable {
    static let start: Int64 = 1_767_225_600
    private let next = Mutex(SteppingTime.start)

    func read() -> Int64 {
        self.next.withLock { value in
            defer { value += 100 }
            return value
        }
    }
}

/// A local Stripe server and a client for it, for one test.
struct LocalStripeFixture {
    static let secretKey = "sk_test_local_fixture"

    let server: LocalStripeServer
    let client: StripeClient
    let clock: SkippingClock
    let time: SteppingTime

    /// Runs `body` with a fresh server and a client on the shared HTTP client, with three attempts and a
    /// generous timeout unless told otherwise; the server sends webhooks when `webhooks` says where.
    static func with<Result: Sendable>(
        key: String = Self.secretKey,
        retries: StripeClient.Config.Retries = .stripe,
        requestTimeout: Duration = .seconds(60),
        webhooks: LocalStripeServer.Webhooks? = nil,
        _ body: (Self) async throws -> Result
    ) async throws -> Result {
        let time = SteppingTime()
        let config = LocalStripeServer.Config(secretKey: Self.secretKey, now: { time.read() }, webhooks: webhooks)
        return try await LocalStripeServer.withLocalStripe(config: config) { server in
            let clock = SkippingClock()
            let client = StripeClient(
                httpClient: .shared,
                config: .init(
                    baseURL: server.baseURL,
                    secretKey: StripeSecretKey(key),
                    stripeVersion: "2026-07-29.dahlia",
                    retries: retries,
                    requestTimeout: requestTimeout
                ),
                clock: clock
            )
            return try await body(Self(server: server, client: client, clock: clock, time: time))
        }
    }
}

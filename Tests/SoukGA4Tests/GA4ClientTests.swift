import AsyncHTTPClient
import Foundation
import SoukAnalytics
import SoukGA4
import SoukLocalProviders
import SoukRetry
import Testing

@Suite("GA4: the client against the local GA4 server")
struct GA4ClientTests {
    static let secret = "local-ga4-secret"

    static func client(
        _ server: LocalGA4Server,
        clock: RecordingClock,
        retries: GA4Retries = GA4Retries(maxAttempts: 4, initialBackoff: .seconds(1), maxBackoff: .seconds(30))
    ) -> GA4Client {
        GA4Client(
            httpClient: .shared,
            config: .init(
                endpoint: server.baseURL,
                measurementID: "G-TEST1",
                apiSecret: GA4Secret(Self.secret),
                retries: retries
            ),
            clock: clock
        )
    }

    static func batch(sku: String = "MUG-1", at time: Date = Date()) throws -> MeasurementBatch {
        let candidate = AnalyticsStore.GA4Candidate(
            orderID: UUID(),
            customerID: UUID(),
            event: .purchase,
            currency: "RUB",
            valueMinor: 299_800,
            occurredAt: time,
            lines: [.init(sku: sku, quantity: 2, unitPriceMinor: 149_900, lineTotalMinor: 299_800)]
        )
        return MeasurementBatch(clientID: "1.2", events: [try MeasurementEvent(candidate, clientID: "1.2")])
    }

    @Test("a valid batch passes the debug endpoint and is recorded by collect with its exact values")
    func validAndSent() async throws {
        try await LocalGA4Server.withLocalGA4 { server in
            let client = Self.client(server, clock: RecordingClock())
            let batch = try Self.batch()
            #expect(try await client.validate(batch).isEmpty)
            #expect(server.recorded.isEmpty)
            try await client.send(batch)
            let recorded = try #require(server.recorded.first)
            #expect(recorded.name == "purchase")
            #expect(recorded.measurementID == "G-TEST1")
            #expect(recorded.currency == "RUB")
            #expect(recorded.value == 2998)
            #expect(recorded.items == [.init(itemID: "MUG-1", quantity: 2, price: 1499)])
            #expect(server.collectBodies.first?.contains(#""value":2998.00"#) == true)
        }
    }

    @Test("the debug endpoint names what is wrong: a param value over 100 characters, an event too old")
    func debugRejects() async throws {
        try await LocalGA4Server.withLocalGA4 { server in
            let client = Self.client(server, clock: RecordingClock())
            let long = try await client.validate(try Self.batch(sku: String(repeating: "x", count: 101)))
            #expect(long.map(\.fieldPath) == ["events[0].params.items[0].item_id"])
            let old = try await client.validate(try Self.batch(at: Date().addingTimeInterval(-73 * 3600)))
            #expect(old.contains { $0.fieldPath == "timestamp_micros" && $0.validationCode == "VALUE_OUT_OF_BOUNDS" })
            #expect(server.recorded.isEmpty)
        }
    }

    @Test("5xx answers are retried with growing, jittered waits on the clock, then the batch goes through")
    func retries() async throws {
        try await LocalGA4Server.withLocalGA4 { server in
            let clock = RecordingClock()
            let client = Self.client(server, clock: clock)
            server.failNext(3, status: 503)
            try await client.send(try Self.batch())
            #expect(server.recorded.count == 1)
            #expect(server.requests.map(\.status) == [503, 503, 503, 204])
            let sleeps = clock.sleeps
            #expect(sleeps.count == 3)
            // Equal jitter: each wait is in the upper half of 1 s, 2 s, 4 s.
            for (wait, base) in zip(sleeps, [1.0, 2.0, 4.0]) {
                #expect(wait >= .seconds(base / 2) && wait <= .seconds(base))
            }
        }
    }

    @Test("a server that keeps failing ends in an unavailable error after every attempt; a 4xx is not retried")
    func givesUp() async throws {
        try await LocalGA4Server.withLocalGA4 { server in
            let clock = RecordingClock()
            let client = Self.client(server, clock: clock)
            server.failNext(4, status: 500)
            let error = await #expect(throws: GA4Error.self) { try await client.send(try Self.batch()) }
            #expect(error?.code == .unavailable)
            #expect(server.requests.count == 4)
            server.failNext(1, status: 400)
            let refused = await #expect(throws: GA4Error.self) { try await client.send(try Self.batch()) }
            #expect(refused?.code == .refused)
            #expect(server.requests.count == 5)
            #expect(server.recorded.isEmpty)
        }
    }

    @Test("a connection refused is retried, then reported without the api secret")
    func unreachable() async throws {
        let clock = RecordingClock()
        let client = GA4Client(
            httpClient: .shared,
            config: .init(
                endpoint: "http://127.0.0.1:1",
                measurementID: "G-TEST1",
                apiSecret: GA4Secret("very-secret-value"),
                retries: GA4Retries(maxAttempts: 3, initialBackoff: .milliseconds(10), maxBackoff: .seconds(1)),
                requestTimeout: .seconds(2)
            ),
            clock: clock
        )
        let error = await #expect(throws: GA4Error.self) { try await client.validate(try Self.batch()) }
        #expect(error?.code == .unavailable)
        #expect(clock.sleeps.count == 2)
        #expect(!"\(String(describing: error))".contains("very-secret-value"))
    }
}

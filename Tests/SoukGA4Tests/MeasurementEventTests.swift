import Foundation
import SoukAnalytics
import SoukGA4
import Testing

@Suite("GA4: orders as Measurement Protocol events")
struct MeasurementEventTests {
    @Test(
        "money is a JSON number in major units, exact from minor units and the currency's exponent",
        arguments: [
            (Int64(299_800), "RUB", "2998.00"),
            (1_500, "JPY", "1500"),
            (12_345, "KWD", "12.345"),
            (5, "KWD", "0.005"),
            (7, "USD", "0.07"),
            (100_000_000_000_001, "USD", "1000000000000.01"),
            (-250, "EUR", "-2.50"),
        ]
    )
    func exactMoney(minor: Int64, currency: String, text: String) throws {
        #expect(try GA4Amount.major(minor, currency: currency) == .number(text))
    }

    @Test("an unknown currency cannot become an event")
    func unknownCurrency() throws {
        let error = try #require(throws: GA4Error.self) { try GA4Amount.major(100, currency: "XXX") }
        #expect(error.code == .unmappable)
        #expect(error.message.contains("XXX"))
    }

    @Test("a purchase carries the order id, currency, exact value, items and the order's time")
    func purchase() throws {
        let order = UUID(uuidString: "0C3B2D5E-1111-4222-8333-944455556666")!
        let candidate = AnalyticsStore.GA4Candidate(
            orderID: order,
            customerID: UUID(),
            event: .purchase,
            currency: "KWD",
            valueMinor: 24_690,
            occurredAt: Date(timeIntervalSince1970: 1_800_000_000.123),
            lines: [.init(sku: "MUG-1", quantity: 2, unitPriceMinor: 12_345, lineTotalMinor: 24_690)]
        )
        let event = try MeasurementEvent(candidate, clientID: "1.2")
        let batch = MeasurementBatch(clientID: "1.2", events: [event])
        #expect(
            batch.body
                == #"{"client_id":"1.2","timestamp_micros":1800000000123000,"events":[{"name":"purchase","#
                + #""timestamp_micros":1800000000123000,"params":{"transaction_id":"0c3b2d5e-1111-4222-8333-944455556666","#
                + #""currency":"KWD","value":24.690,"items":[{"item_id":"MUG-1","price":12.345,"quantity":2}]}}]}"#
        )
    }

    @Test("a refund of a yen order has whole yen")
    func refundInYen() throws {
        let candidate = AnalyticsStore.GA4Candidate(
            orderID: UUID(),
            customerID: UUID(),
            event: .refund,
            currency: "JPY",
            valueMinor: 3_000,
            occurredAt: Date(timeIntervalSince1970: 1_800_000_000),
            lines: [.init(sku: "TEA", quantity: 3, unitPriceMinor: 1_000, lineTotalMinor: 3_000)]
        )
        let event = try MeasurementEvent(candidate, clientID: "c")
        #expect(event.name == "refund")
        #expect(event.params.first { $0.key == "value" }?.value == .number("3000"))
        #expect(MeasurementBatch(clientID: "c", events: [event]).body.contains(#""price":1000,"quantity":3"#))
    }

    @Test("strings are escaped in the JSON")
    func escaping() {
        #expect(GA4JSON.string("a\"b\\c\n\u{01}é").text == #""a\"b\\c\n\u0001é""#)
    }

    @Test("a client id is a stable keyed hash: the same for a customer under one key, never the customer id")
    func clientID() {
        let customer = UUID()
        let ids = GA4ClientID(key: GA4Secret("0123456789abcdef"))
        let other = GA4ClientID(key: GA4Secret("fedcba9876543210"))
        #expect(ids(customer) == ids(customer))
        #expect(ids(customer) != ids(UUID()))
        #expect(ids(customer) != other(customer))
        #expect(!ids(customer).lowercased().contains(customer.uuidString.lowercased().prefix(8)))
        #expect(ids(customer).wholeMatch(of: /[0-9]+\.[0-9]+/) != nil)
    }

    @Test("a secret never shows in a description")
    func secretRedacted() {
        let secret = GA4Secret("hunter2-secret")
        #expect(!"\(secret)".contains("hunter2"))
        #expect(!String(reflecting: secret).contains("hunter2"))
        let config = GA4Client.Config(measurementID: "G-X", apiSecret: secret)
        #expect(!"\(config)".contains("hunter2"))
    }
}

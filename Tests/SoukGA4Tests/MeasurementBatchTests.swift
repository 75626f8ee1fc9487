import Foundation
import SoukAnalytics
import SoukGA4
import Testing

@Suite("GA4: events in requests")
struct MeasurementBatchTests {
    static func event(client: String, skus: Int = 1) throws -> MeasurementEvent {
        let lines = (0..<skus).map {
            AnalyticsStore.GA4Candidate.Line(sku: "SKU-\($0)", quantity: 1, unitPriceMinor: 100, lineTotalMinor: 100)
        }
        let candidate = AnalyticsStore.GA4Candidate(
            orderID: UUID(),
            customerID: UUID(),
            event: .purchase,
            currency: "USD",
            valueMinor: Int64(100 * skus),
            occurredAt: Date(timeIntervalSince1970: 1_800_000_000),
            lines: lines
        )
        return try MeasurementEvent(candidate, clientID: client)
    }

    @Test("at most 25 events per request, one client per request, clients in order of first appearance")
    func batches() throws {
        var events: [MeasurementEvent] = []
        for index in 0..<60 { events.append(try Self.event(client: index % 4 == 3 ? "b" : "a")) }
        let batches = MeasurementBatch.make(events)
        #expect(batches.map(\.clientID) == ["a", "a", "b"])
        #expect(batches.map(\.events.count) == [25, 20, 15])
        #expect(batches.allSatisfy { $0.events.count <= MeasurementBatch.maxEvents })
        // Every event exactly once, in its client's order.
        let sent: [UUID] = batches.flatMap(\.events).map(\.orderID)
        #expect(Set(sent) == Set(events.map(\.orderID)))
        #expect(sent.count == events.count)
        #expect(batches[0].events + batches[1].events == events.filter { $0.clientID == "a" })
    }

    @Test("a body over the size limit is split; one event too large alone stays alone")
    func sizeLimit() throws {
        let events = try (0..<4).map { _ in try Self.event(client: "a", skus: 50) }
        let one = MeasurementBatch(clientID: "a", events: [events[0]]).body.utf8.count
        let batches = MeasurementBatch.make(events, maxBodyBytes: one * 2 + 10)
        #expect(batches.map(\.events.count) == [2, 2])
        #expect(batches.allSatisfy { $0.body.utf8.count <= one * 2 + 10 })
        #expect(MeasurementBatch.make(events, maxBodyBytes: 10).map(\.events.count) == [1, 1, 1, 1])
    }
}
